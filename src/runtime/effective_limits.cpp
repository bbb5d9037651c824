#include "runtime/effective_limits.h"

#include <algorithm>

namespace cryftee::runtime {

EffectiveLimits effective_limits(const ModuleLimits& requested, const ModuleLimitCaps& caps) {
  return {
      .memory_pages = std::min(requested.memory_pages, caps.memory_pages),
      .deadline = std::min(std::chrono::milliseconds(requested.deadline_ms), caps.deadline),
      .max_binary_bytes = std::min(requested.max_binary_bytes, caps.binary_bytes),
  };
}

}  // namespace cryftee::runtime
