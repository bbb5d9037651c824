#pragma once
// The limits a module runs under: what its manifest entry asks for, bounded by the daemon's caps.
// Dispatch computes them once per compiled module and hands them to the engine, which only applies them.
#include <chrono>
#include <cstdint>

#include "manifest/limits.h"
#include "manifest/manifest.h"

namespace cryftee::runtime {

// The most any module may have. manifest/limits.h is the one source of these numbers: the manifest refuses
// an entry asking for more and /v1/schema/modules advertises them, so for a loaded entry the caps change
// nothing; they still bound entries built in code.
struct ModuleLimitCaps {
  std::uint32_t memory_pages = manifest_limits::kMaxMemoryPages;
  std::chrono::milliseconds deadline{manifest_limits::kMaxDeadlineMs};
  std::uint64_t binary_bytes = manifest_limits::kMaxBinaryBytes;
};

inline constexpr ModuleLimitCaps kModuleLimitCaps{};

struct EffectiveLimits {
  std::uint32_t memory_pages = 0;  // most linear memory, in 64 KiB pages
  std::chrono::milliseconds deadline{0};  // the module's own execution time per call
  std::uint64_t max_binary_bytes = 0;

  bool operator==(const EffectiveLimits&) const = default;
};

// Each of `requested` bounded by its cap in `caps`.
EffectiveLimits effective_limits(const ModuleLimits& requested, const ModuleLimitCaps& caps = kModuleLimitCaps);

}  // namespace cryftee::runtime
