#pragma once
// What the daemon does at start so its secrets stay inside it: no core dumps and no ptrace or
// /proc/PID/mem access by other processes of the same user, the secure heap for keys
// (util/secure_memory.h), and secret environment variables wiped once they are read.
#include <string>
#include <vector>

namespace cryftee {

struct ProtectionReport {
  bool not_dumpable = false;    // PR_SET_DUMPABLE 0
  bool no_core_files = false;   // RLIMIT_CORE 0
  std::string secure_heap;      // "protected", "unprotected" or "unavailable"
};

// PR_SET_DUMPABLE 0, RLIMIT_CORE 0, and the secure heap; reports what took effect (for the start-up log).
ProtectionReport protect_process();

// Removes each variable from the environment and overwrites its text where the kernel shows it
// (/proc/PID/environ reads the original block). Call before any other thread starts.
void wipe_environment_variables(const std::vector<std::string>& names);

// Overwrites what this thread's finished calls may have left of a secret they handled (JSON parsing, key
// derivation): the stack below the caller's frame, and the SIMD registers through which memcpy moved the
// bytes (a thread's registers are part of any core taken of the process).
void scrub_thread_traces() noexcept;

}  // namespace cryftee
