# `cmake --build build --target package` makes build/package/cryftee_<version>_<arch>.deb with CPack from
# the install rules (cmake/install.cmake) and packaging/debian/. Depends comes from dpkg-shlibdeps over
# the binary and the private libnode, plus adduser for the maintainer scripts. docs/install.md.
set(CRYFTEE_PACKAGE_MAINTAINER "Cryftee maintainers <maintainers@cryftee.invalid>" CACHE STRING
    "Maintainer field of the .deb (name <email>)")

set(package_doc_dir ${CMAKE_INSTALL_DATADIR}/doc/cryftee)
configure_file(packaging/debian/changelog.in ${CMAKE_BINARY_DIR}/packaging/changelog @ONLY)
# Debian wants the changelog compressed with maximum compression and no timestamp (reproducible).
add_custom_command(
  OUTPUT ${CMAKE_BINARY_DIR}/packaging/changelog.gz
  COMMAND gzip -9nkf ${CMAKE_BINARY_DIR}/packaging/changelog
  DEPENDS ${CMAKE_BINARY_DIR}/packaging/changelog
  VERBATIM)
add_custom_target(cryftee_package_changelog ALL DEPENDS ${CMAKE_BINARY_DIR}/packaging/changelog.gz)
# The man page is cryftee --help, so it never disagrees with the binary (help2man, dated reproducibly).
find_program(CRYFTEE_HELP2MAN help2man REQUIRED)
add_custom_command(
  OUTPUT ${CMAKE_BINARY_DIR}/packaging/cryftee.1.gz
  COMMAND ${CMAKE_COMMAND} -E env SOURCE_DATE_EPOCH=1796040000
          ${CRYFTEE_HELP2MAN} --no-info --section=1 --name "signing sidecar for Cryft validators"
          --output ${CMAKE_BINARY_DIR}/packaging/cryftee.1 $<TARGET_FILE:cryftee>
  COMMAND gzip -9nf ${CMAKE_BINARY_DIR}/packaging/cryftee.1
  DEPENDS cryftee
  VERBATIM)
add_custom_target(cryftee_man_page ALL DEPENDS ${CMAKE_BINARY_DIR}/packaging/cryftee.1.gz)
install(FILES ${CMAKE_BINARY_DIR}/packaging/cryftee.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

install(FILES packaging/debian/copyright ${CMAKE_BINARY_DIR}/packaging/changelog.gz DESTINATION ${package_doc_dir})
install(FILES ${LIBNODE_PREFIX}/share/doc/libnode108/copyright DESTINATION ${package_doc_dir} RENAME copyright.libnode108)
install(FILES config/cryftee.example.toml config/trust.example.toml DESTINATION ${package_doc_dir}/examples)
install(FILES packaging/debian/lintian-overrides DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides RENAME cryftee)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME cryftee)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT ${CRYFTEE_PACKAGE_MAINTAINER})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "signing sidecar for Cryft validators, with signed WebAssembly modules")
# The extended description (CPack puts the summary above it as the synopsis).
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "Cryftee holds a Cryft (Avalanche) validator's staking keys, the
BLS12-381 key and the TLS staking identity, and signs on request over a
Unix socket or HTTPS. The signing logic lives in signed, sandboxed
WebAssembly modules that V8 runs under limits.
.
This package runs it as a hardened systemd service with readiness
notification, a sealed key store directory and Prometheus metrics.")
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
execute_process(COMMAND dpkg --print-architecture OUTPUT_VARIABLE CRYFTEE_DEB_ARCH OUTPUT_STRIP_TRAILING_WHITESPACE)
set(CPACK_DEBIAN_FILE_NAME cryftee_${PROJECT_VERSION}_${CRYFTEE_DEB_ARCH}.deb)
set(CRYFTEE_DEB_FILE ${CMAKE_BINARY_DIR}/package/${CPACK_DEBIAN_FILE_NAME})
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS adduser)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_SOURCE_DIR}/packaging/debian/postinst ${CMAKE_SOURCE_DIR}/packaging/debian/prerm
    ${CMAKE_SOURCE_DIR}/packaging/debian/postrm ${CMAKE_SOURCE_DIR}/packaging/debian/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
# gzip: the package is mostly libnode (45 MB); xz would take a CI runner most of a minute for it.
set(CPACK_DEBIAN_COMPRESSION_TYPE gzip)
set(CPACK_STRIP_FILES TRUE)
set(CPACK_OUTPUT_FILE_PREFIX ${CMAKE_BINARY_DIR}/package)
include(CPack)
