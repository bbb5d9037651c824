#include "transport/descriptor_limit.h"

#include <sys/resource.h>

#include <algorithm>

namespace cryftee::transport {

std::size_t raise_descriptor_limit(std::size_t needed) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return needed;  // unknown: nothing to warn about
  if (limit.rlim_cur == RLIM_INFINITY) return needed;
  if (limit.rlim_cur < needed) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max == RLIM_INFINITY ? needed : std::min<rlim_t>(needed, limit.rlim_max);
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return static_cast<std::size_t>(limit.rlim_cur);
}

}  // namespace cryftee::transport
