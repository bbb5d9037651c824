#pragma once
// The daemon's listeners for the configured transport, each with its trust rule, budget and front:
//
//   transport uds:   the API on the Unix socket (peers admitted by the socket's mode and the peer-uid
//                    allow-list); the plain-HTTP kiosk on http_addr unless the kiosk is disabled
//   transport https: the API and the kiosk's routes together on HTTPS at http_addr; while
//                    --allow-loopback-admin is on, a loopback peer whose kernel-recorded uid is on the
//                    allow-list is served like a socket peer
//   transport http:  the API and the kiosk's routes together on plain HTTP on loopback at http_addr; every
//                    peer's uid comes from the kernel (transport/loopback_peer_uid.h) and must be on the
//                    allow-list
#include <optional>
#include <vector>

#include "api/listener_fronts.h"
#include "config/config.h"
#include "transport/listener.h"
#include "transport/response_observer.h"

namespace cryftee::api {

class DaemonListeners {
 public:
  // `router` must outlive this. `observer` sees every answer of the API listener (not the kiosk's).
  DaemonListeners(const Config& config, const Router& router, transport::ResponseObserver observer);

  // What transport::Server opens; the fronts they name are this object's, so it must outlive the server.
  std::vector<transport::ListenerSpec> specs() const;

 private:
  const Config& config_;
  ApiFront api_;
  std::optional<KioskFront> kiosk_;
  transport::ResponseObserver observer_;
};

}  // namespace cryftee::api
