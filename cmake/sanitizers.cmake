# For a CRYFTEE_SANITIZE build: compiles the sanitizers' default options and suppressions into a program,
# so that every run of it (a test's daemon gets a clean environment) writes its reports where
# scripts/test.sh looks: <build dir>/sanitizer-reports/.
set(CRYFTEE_SANITIZER_REPORT_DIR ${CMAKE_BINARY_DIR}/sanitizer-reports)
file(MAKE_DIRECTORY ${CRYFTEE_SANITIZER_REPORT_DIR})

function(cryftee_add_sanitizer_defaults target)
  target_sources(${target} PRIVATE ${CMAKE_SOURCE_DIR}/tests/sanitizers/sanitizer_defaults.cpp)
  set_source_files_properties(${CMAKE_SOURCE_DIR}/tests/sanitizers/sanitizer_defaults.cpp TARGET_DIRECTORY ${target}
    PROPERTIES COMPILE_DEFINITIONS CRYFTEE_SANITIZER_REPORT_DIR="${CRYFTEE_SANITIZER_REPORT_DIR}")
endfunction()
