# blst 0.3.10, from the C sources shipped in the npm package @chainsafe/blst@0.2.11 (pinned with its
# integrity hash in package-lock.json; scripts/setup.sh runs `npm ci`). Built with blst's own build.sh.
set(BLST_SOURCE_DIR ${CMAKE_SOURCE_DIR}/node_modules/@chainsafe/blst/blst)
if(NOT EXISTS ${BLST_SOURCE_DIR}/build.sh)
  message(FATAL_ERROR "blst sources not found in ${BLST_SOURCE_DIR}: run scripts/setup.sh (npm ci) first")
endif()
set(BLST_BUILD_DIR ${CMAKE_BINARY_DIR}/blst)
add_custom_command(
  OUTPUT ${BLST_BUILD_DIR}/libblst.a
  COMMAND ${CMAKE_COMMAND} -E make_directory ${BLST_BUILD_DIR}
  COMMAND ${CMAKE_COMMAND} -E chdir ${BLST_BUILD_DIR} sh ${BLST_SOURCE_DIR}/build.sh CC=${CMAKE_C_COMPILER}
  DEPENDS ${BLST_SOURCE_DIR}/build.sh
  COMMENT "Building blst with its build.sh"
  VERBATIM)
add_custom_target(blst_build DEPENDS ${BLST_BUILD_DIR}/libblst.a)
add_library(cryftee_blst STATIC IMPORTED GLOBAL)
set_target_properties(cryftee_blst PROPERTIES IMPORTED_LOCATION ${BLST_BUILD_DIR}/libblst.a)
target_include_directories(cryftee_blst INTERFACE ${BLST_SOURCE_DIR}/bindings)
add_dependencies(cryftee_blst blst_build)
