# Builds Cryftee modules from C or C++ to wasm32 with the Debian clang-16 toolchain.
#
#   cryftee_add_module(<id> SOURCES <file>... [CXX] [TEST_ONLY])
#
# compiles the sources into ${CRYFTEE_MODULE_OUTPUT_DIR}/<id>/<id>.wasm (default build/modules) and copies
# the folder's module.json (and gui/, when present) next to it. A TEST_ONLY module (debug_v1) goes to
# ${CRYFTEE_TEST_MODULE_OUTPUT_DIR} (default build/test-modules) instead and is signed only into the test
# bundle there, never into the production bundle that scripts/run.sh and an install use. C is built freestanding (-nostdlib, no
# libc); pass CXX to build C++ against wasi-libc and libc++ (DESIGN.md, "Modules"). The module must export
# the ABI v1 functions (docs/abi.md); linking fails when one is missing. Imports are allowed only from the
# host namespace "cryftee" (declare them with __attribute__((import_module("cryftee")))), plus, for C++,
# the few WASI calls the host provides. Object files stay in the module's CMake binary directory.
#
# Each module becomes the target module_<id>; the global properties CRYFTEE_MODULE_IDS and
# CRYFTEE_MODULE_OUTPUTS (CRYFTEE_TEST_MODULE_IDS and CRYFTEE_TEST_MODULE_OUTPUTS for TEST_ONLY modules)
# list the modules and their files for the manifest steps (modules/CMakeLists.txt).
include_guard(GLOBAL)

find_program(CRYFTEE_WASM_CLANG NAMES clang-16 REQUIRED)
find_program(CRYFTEE_WASM_LD NAMES wasm-ld-16 REQUIRED)
set(CRYFTEE_WASM_BUILTINS /usr/lib/llvm-16/lib/clang/16/lib/wasi/libclang_rt.builtins-wasm32.a)
set(CRYFTEE_WASI_SYSROOT_LIB /usr/lib/wasm32-wasi)
set(CRYFTEE_WASI_INCLUDE /usr/include/wasm32-wasi)
set(CRYFTEE_SDK_INCLUDE ${CMAKE_CURRENT_LIST_DIR}/include)
set(CRYFTEE_MODULE_OUTPUT_DIR ${CMAKE_BINARY_DIR}/modules CACHE PATH "Where built modules and manifest.json go")
set(CRYFTEE_TEST_MODULE_OUTPUT_DIR ${CMAKE_BINARY_DIR}/test-modules CACHE PATH
    "Where the test bundle (production and TEST_ONLY modules, and its manifest.json) goes")
if(NOT EXISTS ${CRYFTEE_WASM_BUILTINS})
  message(FATAL_ERROR "${CRYFTEE_WASM_BUILTINS} is missing: install libclang-rt-16-dev-wasm32 (scripts/setup.sh)")
endif()

# The ABI v1 exports every module must have (the linker refuses a module without them).
set(CRYFTEE_MODULE_EXPORTS cryftee_abi_version cryftee_alloc cryftee_handle)
# Bulk memory turns memcpy/memset into single wasm instructions, so freestanding C needs no libc.
# No debug info and relative file names: the same sources give the same bytes, hence the same hash.
set(CRYFTEE_WASM_COMMON_FLAGS -O2 -mbulk-memory -fvisibility=hidden -Wall -Wextra
    -ffile-prefix-map=${CMAKE_SOURCE_DIR}=. -I${CRYFTEE_SDK_INCLUDE})
set(CRYFTEE_WASM_C_FLAGS --target=wasm32 -nostdlib -ffreestanding -std=c11)
set(CRYFTEE_WASM_CXX_FLAGS --target=wasm32-wasi -std=c++20 -fno-exceptions -fno-rtti
    -isystem ${CRYFTEE_WASI_INCLUDE}/c++/v1 -isystem ${CRYFTEE_WASI_INCLUDE})
set(CRYFTEE_WASM_LINK_FLAGS --no-entry --strip-debug -z stack-size=65536)

function(cryftee_add_module id)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "CXX;TEST_ONLY" "" "SOURCES")
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "cryftee_add_module(${id}): no SOURCES given")
  endif()
  if(ARG_TEST_ONLY)
    set(out_dir ${CRYFTEE_TEST_MODULE_OUTPUT_DIR}/${id})
    set(property_prefix CRYFTEE_TEST_MODULE)
  else()
    set(out_dir ${CRYFTEE_MODULE_OUTPUT_DIR}/${id})
    set(property_prefix CRYFTEE_MODULE)
  endif()
  set(wasm ${out_dir}/${id}.wasm)

  set(objects)
  foreach(source ${ARG_SOURCES})
    get_filename_component(source_path ${source} ABSOLUTE)
    get_filename_component(source_name ${source} NAME)
    get_filename_component(extension ${source} LAST_EXT)
    set(object ${CMAKE_CURRENT_BINARY_DIR}/${source_name}.o)
    if(extension STREQUAL ".c")
      set(language_flags ${CRYFTEE_WASM_C_FLAGS})
    elseif(ARG_CXX AND extension MATCHES "^\\.(cpp|cc|cxx)$")
      set(language_flags ${CRYFTEE_WASM_CXX_FLAGS})
    else()
      message(FATAL_ERROR "cryftee_add_module(${id}): cannot compile ${source} (C sources end in .c; "
                          "C++ sources need the CXX option)")
    endif()
    add_custom_command(
      OUTPUT ${object}
      COMMAND ${CRYFTEE_WASM_CLANG} ${language_flags} ${CRYFTEE_WASM_COMMON_FLAGS} -MD -MF ${object}.d
              -c ${source_path} -o ${object}
      DEPENDS ${source_path}
      DEPFILE ${object}.d
      COMMENT "Compiling ${source_name} for module ${id} (wasm32)"
      VERBATIM)
    list(APPEND objects ${object})
  endforeach()

  set(export_flags)
  foreach(symbol ${CRYFTEE_MODULE_EXPORTS})
    list(APPEND export_flags --export=${symbol})
  endforeach()
  if(ARG_CXX)
    # wasi-libc's reactor start file exports _initialize, which runs C++ static constructors.
    set(libraries ${CRYFTEE_WASI_SYSROOT_LIB}/crt1-reactor.o ${CRYFTEE_WASI_SYSROOT_LIB}/libc++.a
        ${CRYFTEE_WASI_SYSROOT_LIB}/libc++abi.a ${CRYFTEE_WASI_SYSROOT_LIB}/libc.a ${CRYFTEE_WASM_BUILTINS})
  else()
    set(libraries ${CRYFTEE_WASM_BUILTINS})
  endif()
  add_custom_command(
    OUTPUT ${wasm}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${out_dir}
    COMMAND ${CRYFTEE_WASM_LD} ${CRYFTEE_WASM_LINK_FLAGS} ${export_flags} ${objects} ${libraries} -o ${wasm}
    DEPENDS ${objects}
    COMMENT "Linking module ${id} -> ${wasm}"
    VERBATIM)

  set(module_json ${CMAKE_CURRENT_SOURCE_DIR}/module.json)
  if(NOT EXISTS ${module_json})
    message(FATAL_ERROR "cryftee_add_module(${id}): ${module_json} is missing")
  endif()
  add_custom_command(
    OUTPUT ${out_dir}/module.json
    COMMAND ${CMAKE_COMMAND} -E copy_if_different ${module_json} ${out_dir}/module.json
    DEPENDS ${module_json}
    VERBATIM)
  set(outputs ${wasm} ${out_dir}/module.json)

  # gui/ is copied whole (old copies removed first: the signed entry must list exactly what is there).
  # The stamp lives outside gui/ so it is not mistaken for a page file.
  set(gui_source ${CMAKE_CURRENT_SOURCE_DIR}/gui)
  if(IS_DIRECTORY ${gui_source})
    file(GLOB_RECURSE gui_files CONFIGURE_DEPENDS ${gui_source}/*)
    set(gui_stamp ${CMAKE_CURRENT_BINARY_DIR}/gui.stamp)
    add_custom_command(
      OUTPUT ${gui_stamp}
      COMMAND ${CMAKE_COMMAND} -E rm -rf ${out_dir}/gui
      COMMAND ${CMAKE_COMMAND} -E copy_directory ${gui_source} ${out_dir}/gui
      COMMAND ${CMAKE_COMMAND} -E touch ${gui_stamp}
      DEPENDS ${gui_files}
      COMMENT "Copying the gui of module ${id}"
      VERBATIM)
    list(APPEND outputs ${gui_stamp})
  endif()

  add_custom_target(module_${id} ALL DEPENDS ${outputs})
  set_property(GLOBAL APPEND PROPERTY ${property_prefix}_IDS ${id})
  set_property(GLOBAL APPEND PROPERTY ${property_prefix}_OUTPUTS ${outputs})
endfunction()
