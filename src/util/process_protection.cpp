#include "util/process_protection.h"

#include <sys/prctl.h>
#include <sys/resource.h>

#include <cstdlib>
#include <cstring>

#include "util/bytes.h"
#include "util/secure_memory.h"

extern char** environ;

namespace cryftee {
namespace {

// Deeper than the frames of JSON parsing, EIP-2335 decryption and key import together.
constexpr std::size_t kScrubbedStackBytes = 64 * 1024;

const char* heap_state_name(secure_memory::HeapState state) {
  switch (state) {
    case secure_memory::HeapState::Protected: return "protected";
    case secure_memory::HeapState::Unprotected: return "unprotected";
    case secure_memory::HeapState::Unavailable: return "unavailable";
  }
  return "unavailable";
}

}  // namespace

ProtectionReport protect_process() {
  ProtectionReport report;
  report.not_dumpable = ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0;
  const rlimit no_core{0, 0};
  report.no_core_files = ::setrlimit(RLIMIT_CORE, &no_core) == 0;
  report.secure_heap = heap_state_name(secure_memory::initialize());
  return report;
}

void wipe_environment_variables(const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    const std::string prefix = name + "=";
    std::vector<char*> texts;  // every occurrence: unsetenv removes them all from environ, not from memory
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
      if (std::strncmp(*entry, prefix.c_str(), prefix.size()) == 0) texts.push_back(*entry);
    }
    if (texts.empty()) continue;
    ::unsetenv(name.c_str());
    for (char* text : texts) secure_zero(text, std::strlen(text));
  }
}

namespace {

[[gnu::noinline]] void scrub_stack() noexcept {
  volatile unsigned char area[kScrubbedStackBytes];
  secure_zero(const_cast<unsigned char*>(area), sizeof area);
}

// Every vector register is caller-saved in the System V ABI, so this out-of-line function may zero them
// without telling the compiler. glibc's AVX-512 string functions use zmm16..31, which vzeroall leaves.
[[gnu::noinline]] void zero_vector_registers() noexcept {
#if defined(__x86_64__)
  if (__builtin_cpu_supports("avx512f")) {
    asm volatile(
        "vpxord %zmm16, %zmm16, %zmm16\n vpxord %zmm17, %zmm17, %zmm17\n vpxord %zmm18, %zmm18, %zmm18\n"
        "vpxord %zmm19, %zmm19, %zmm19\n vpxord %zmm20, %zmm20, %zmm20\n vpxord %zmm21, %zmm21, %zmm21\n"
        "vpxord %zmm22, %zmm22, %zmm22\n vpxord %zmm23, %zmm23, %zmm23\n vpxord %zmm24, %zmm24, %zmm24\n"
        "vpxord %zmm25, %zmm25, %zmm25\n vpxord %zmm26, %zmm26, %zmm26\n vpxord %zmm27, %zmm27, %zmm27\n"
        "vpxord %zmm28, %zmm28, %zmm28\n vpxord %zmm29, %zmm29, %zmm29\n vpxord %zmm30, %zmm30, %zmm30\n"
        "vpxord %zmm31, %zmm31, %zmm31\n vzeroall");
  } else if (__builtin_cpu_supports("avx")) {
    asm volatile("vzeroall");
  } else {
    asm volatile(
        "pxor %xmm0, %xmm0\n pxor %xmm1, %xmm1\n pxor %xmm2, %xmm2\n pxor %xmm3, %xmm3\n"
        "pxor %xmm4, %xmm4\n pxor %xmm5, %xmm5\n pxor %xmm6, %xmm6\n pxor %xmm7, %xmm7\n"
        "pxor %xmm8, %xmm8\n pxor %xmm9, %xmm9\n pxor %xmm10, %xmm10\n pxor %xmm11, %xmm11\n"
        "pxor %xmm12, %xmm12\n pxor %xmm13, %xmm13\n pxor %xmm14, %xmm14\n pxor %xmm15, %xmm15");
  }
#endif
}

}  // namespace

void scrub_thread_traces() noexcept {
  scrub_stack();
  zero_vector_registers();
}

}  // namespace cryftee
