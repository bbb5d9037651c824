#pragma once
// The daemon's network side: the listeners the configuration asks for, one thread pool that serves
// them, and the orderly stop when stop() is called (stop accepting, let requests in flight finish up to
// defaults::kShutdownDrain, remove the Unix socket). Signals are the daemon's (cli/daemon_signals.h).
//
//   transport uds:   API on the Unix socket; plain-HTTP kiosk on http_addr (unless the kiosk is disabled)
//   transport https: API and kiosk together on the HTTPS listener at http_addr; while
//                    --allow-loopback-admin is on, a loopback peer whose kernel-recorded uid is on that
//                    allow-list is served like a socket peer
//   transport http:  API and kiosk together on a plain-HTTP loopback listener at http_addr; each peer's uid
//                    comes from the kernel (loopback_peer_uid.h) and meets the same allow-list as on uds
#include <functional>
#include <memory>

#include "config/config.h"
#include "http/router.h"
#include "http/response_observer.h"

namespace cryftee::http {

// What run() tells its caller as it goes (e.g. to notify systemd); either may be empty.
struct ServerEvents {
  std::function<void()> serving;   // every listener accepts and the threads are running
  std::function<void()> stopping;  // the listeners are about to close and the drain begins
};

class Server {
 public:
  // Opens every listener (so a bad path, busy socket or unusable certificate is reported before the
  // daemon says it is ready); throws ListenerError naming the one that failed. `router` must outlive
  // the server. `observer` (optional) sees every answer of the API listener.
  Server(const Config& config, const Router& router, ResponseObserver observer = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Serves until stop() is called, then drains and cleans up.
  void run(const ServerEvents& events = {});
  // Asks run() to stop; safe from any thread.
  void stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cryftee::http
