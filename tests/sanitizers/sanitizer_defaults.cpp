// Linked into every program of a CRYFTEE_SANITIZE build (cmake/sanitizers.cmake). The sanitizer runtimes
// call these at start-up, before main: options given in ASAN_OPTIONS / UBSAN_OPTIONS / LSAN_OPTIONS still
// win over these defaults. Every report goes to a file under CRYFTEE_SANITIZER_REPORT_DIR, because the
// integration tests start the daemon with a clean environment and do not show its stderr when they pass;
// scripts/test.sh fails the run when that folder is not empty.

#define CRYFTEE_REPORT_PATH(name) "log_path=" CRYFTEE_SANITIZER_REPORT_DIR "/" name
// Debian's llvm-16 installs the symbolizer only under a versioned name on PATH (scripts/setup.sh).
#define CRYFTEE_SYMBOLIZER "external_symbolizer_path=/usr/lib/llvm-16/bin/llvm-symbolizer"

extern "C" const char* __asan_default_options() {
  // detect_leaks: LeakSanitizer runs when a program exits.
  // strict_string_checks: str* interceptors check the whole string, not only the bytes read.
  // detect_stack_use_after_return stays off: V8 scans the native stack and does not expect fake frames.
  return CRYFTEE_REPORT_PATH("asan") ":" CRYFTEE_SYMBOLIZER ":detect_leaks=1:strict_string_checks=1:check_initialization_order=1"
                                     ":abort_on_error=0";
}

extern "C" const char* __ubsan_default_options() {
  return CRYFTEE_REPORT_PATH("ubsan") ":" CRYFTEE_SYMBOLIZER ":print_stacktrace=1:halt_on_error=1";
}
