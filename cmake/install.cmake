# Install layout (`cmake --install build`, and what the .deb holds; docs/install.md):
#
#   <prefix>/bin/cryftee                      the daemon, with RUNPATH $ORIGIN/../lib/cryftee
#   <prefix>/lib/cryftee/libnode.so.108       V8 (Debian's libnode, unpacked by scripts/setup.sh)
#   <prefix>/share/cryftee/modules/           the signed production bundle: manifest.json + module folders
#   <prefix>/share/cryftee/ui/                the kiosk page
#   <sysconfdir>/cryftee/cryftee.toml         the service's configuration (packaging/cryftee.toml)
#   <sysconfdir>/cryftee/trust.toml           trusts the publisher key that signed the bundle
#   <prefix>/lib/systemd/system/cryftee.service, <prefix>/lib/tmpfiles.d/cryftee.conf
#
# The binary recognises this layout from its own place (src/config/install_layout.h) and takes its
# default module, kiosk and trust paths from it; the build tree's binary keeps ./modules and ./ui.
# /usr, as a Debian package installs: its configuration then goes to /etc (GNUInstallDirs' rule for /usr).
if(CMAKE_INSTALL_PREFIX_INITIALIZED_TO_DEFAULT)
  set(CMAKE_INSTALL_PREFIX /usr CACHE PATH "Install prefix" FORCE)
endif()
include(GNUInstallDirs)

set(CRYFTEE_PRIVATE_LIBDIR ${CMAKE_INSTALL_LIBDIR}/cryftee)
if(CMAKE_INSTALL_LIBDIR MATCHES "/")
  # Debian's multiarch libdir (lib/x86_64-linux-gnu) is for shared libraries of the system; ours is private.
  set(CRYFTEE_PRIVATE_LIBDIR lib/cryftee)
endif()
set_target_properties(cryftee PROPERTIES INSTALL_RPATH "\$ORIGIN/../${CRYFTEE_PRIVATE_LIBDIR}")
# Resolve every symbol at start, so the relocation tables can be made read-only (full RELRO).
target_link_options(cryftee PRIVATE -Wl,-z,relro,-z,now)

install(TARGETS cryftee RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# Under its soname, the name the binary asks for; the unversioned development links stay behind.
install(FILES ${LIBNODE_LIBRARY} DESTINATION ${CRYFTEE_PRIVATE_LIBDIR} PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
install(DIRECTORY ui/ DESTINATION ${CMAKE_INSTALL_DATADIR}/cryftee/ui)

# The production bundle. By default it is the one the build signed with its development publisher key
# (build/dev/publisher.pem, made per build and never installed); with CRYFTEE_PACKAGE_PUBLISHER_KEY the
# package carries a copy signed with that key instead, and a trust file that trusts only it.
set(CRYFTEE_PACKAGE_PUBLISHER_KEY "" CACHE FILEPATH "Ed25519 publisher key (PEM) that signs the installed module bundle; empty: the build's development key")
set(CRYFTEE_PACKAGE_PUBLISHER_ID "" CACHE STRING "Publisher id for CRYFTEE_PACKAGE_PUBLISHER_KEY")
get_property(cryftee_bundle_ids GLOBAL PROPERTY CRYFTEE_MODULE_IDS)
if(CRYFTEE_PACKAGE_PUBLISHER_KEY)
  if(NOT CRYFTEE_PACKAGE_PUBLISHER_ID)
    message(FATAL_ERROR "CRYFTEE_PACKAGE_PUBLISHER_KEY needs CRYFTEE_PACKAGE_PUBLISHER_ID (the id in operators' trust files)")
  endif()
  set(bundle_dir ${CMAKE_BINARY_DIR}/package-bundle)
  set(bundle_manifest ${bundle_dir}/manifest.json)
  set(bundle_trust ${bundle_dir}/trust.toml)
  add_custom_command(
    OUTPUT ${bundle_manifest} ${bundle_trust}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${bundle_dir}
    COMMAND ${CMAKE_COMMAND} -E copy ${CRYFTEE_MODULE_OUTPUT_DIR}/manifest.json ${bundle_manifest}
    COMMAND $<TARGET_FILE:cryftee> module sign --manifest ${bundle_manifest} --key ${CRYFTEE_PACKAGE_PUBLISHER_KEY}
            --publisher ${CRYFTEE_PACKAGE_PUBLISHER_ID} --module-dir ${CRYFTEE_MODULE_OUTPUT_DIR}
    COMMAND $<TARGET_FILE:cryftee> module pubkey --key ${CRYFTEE_PACKAGE_PUBLISHER_KEY}
            --id ${CRYFTEE_PACKAGE_PUBLISHER_ID} --trust-out ${bundle_trust}
    DEPENDS cryftee_modules ${CRYFTEE_PACKAGE_PUBLISHER_KEY}
    COMMENT "Signing the installed module bundle as ${CRYFTEE_PACKAGE_PUBLISHER_ID}"
    VERBATIM)
  add_custom_target(cryftee_package_bundle ALL DEPENDS ${bundle_manifest} ${bundle_trust})
else()
  set(bundle_manifest ${CRYFTEE_MODULE_OUTPUT_DIR}/manifest.json)
  set(bundle_trust ${CMAKE_BINARY_DIR}/dev/trust.toml)
endif()
install(FILES ${bundle_manifest} DESTINATION ${CMAKE_INSTALL_DATADIR}/cryftee/modules)
foreach(id ${cryftee_bundle_ids})
  install(DIRECTORY ${CRYFTEE_MODULE_OUTPUT_DIR}/${id} DESTINATION ${CMAKE_INSTALL_DATADIR}/cryftee/modules)
endforeach()

# Paths and public keys only, no secret: readable by the daemon's own user.
install(FILES packaging/cryftee.toml ${bundle_trust} DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/cryftee
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
configure_file(packaging/cryftee.service.in ${CMAKE_BINARY_DIR}/packaging/cryftee.service @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/packaging/cryftee.service DESTINATION lib/systemd/system)
install(FILES packaging/tmpfiles.conf DESTINATION lib/tmpfiles.d RENAME cryftee.conf)
