#pragma once
#include <functional>

#include "transport/message.h"

namespace cryftee::transport {

// Told about every answer a listener sends (the daemon sets one on its API listener, not the kiosk), e.g.
// to count requests and errors.
// Called from the I/O threads, so it must be thread-safe.
using ResponseObserver = std::function<void(const Response&)>;

}  // namespace cryftee::transport
