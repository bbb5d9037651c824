#pragma once
// What a listener hands every request to. The transport knows bytes, connections, limits, TLS and peers;
// everything a request means (routes, access rules, JSON, the kiosk's rules) is the handler's. The
// daemon's handlers are the API's listener fronts (api/listener_fronts.h).
#include <functional>

#include "transport/message.h"
#include "util/error.h"

namespace cryftee::transport {

// Receives a handler's answer; may be called from any thread.
using Reply = std::function<void(Response)>;

class Handler {
 public:
  virtual ~Handler() = default;
  // Answers `request` by calling `reply` exactly once, at once or later from another thread. Never throws.
  virtual void handle(Request request, Reply reply) const = 0;
  // The answer for a failure the transport found before a request could be handed over: a head or body
  // over its limit, malformed HTTP, a connection over its listener's budget.
  virtual Response refuse(const Error& error) const = 0;
};

}  // namespace cryftee::transport
