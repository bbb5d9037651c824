#pragma once
#include <functional>

#include "transport/message.h"

namespace cryftee::transport {

// Told about every answer an API listener sends (not the kiosk's), e.g. to count requests and errors.
// Called from the I/O threads, so it must be thread-safe.
using ResponseObserver = std::function<void(const Response&)>;

}  // namespace cryftee::transport
