# V8 10.2 from Debian's libnode108/libnode-dev, unpacked by scripts/setup.sh into .deps/libnode because
# installing libnode-dev conflicts with the machine's nodejs package.
set(LIBNODE_PREFIX ${CMAKE_SOURCE_DIR}/.deps/libnode/usr)
set(LIBNODE_LIBRARY ${LIBNODE_PREFIX}/lib/x86_64-linux-gnu/libnode.so.108)
if(NOT EXISTS ${LIBNODE_LIBRARY})
  message(FATAL_ERROR "libnode not found at ${LIBNODE_LIBRARY}: run scripts/setup.sh first")
endif()
add_library(cryftee_v8 SHARED IMPORTED GLOBAL)
set_target_properties(cryftee_v8 PROPERTIES IMPORTED_LOCATION ${LIBNODE_LIBRARY} IMPORTED_NO_SONAME OFF)
# Headers as -isystem: V8's own headers are not warning-clean under our flags.
target_include_directories(cryftee_v8 SYSTEM INTERFACE ${LIBNODE_PREFIX}/include/node)
# The daemon finds libnode through its RPATH, so no LD_LIBRARY_PATH is needed to run it from build/.
set(CMAKE_BUILD_RPATH ${LIBNODE_PREFIX}/lib/x86_64-linux-gnu)
