#pragma once
#include <functional>

#include "http/message.h"

namespace cryftee::http {

// Told about every answer an API listener sends (not the kiosk's), e.g. to count requests and errors.
// Called from the I/O threads, so it must be thread-safe.
using ResponseObserver = std::function<void(const Response&)>;

}  // namespace cryftee::http
