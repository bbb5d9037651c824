#pragma once
// The daemon's network side: the listeners it is given (transport/listener.h), one thread pool that
// serves them, and the orderly stop when stop() is called (stop accepting, let requests in flight finish
// up to defaults::kShutdownDrain, remove the Unix socket). Signals are the daemon's (cli/daemon_signals.h).
#include <functional>
#include <memory>

#include <vector>

#include "config/config.h"
#include "transport/listener.h"

namespace cryftee::transport {

// What run() tells its caller as it goes (e.g. to notify systemd); either may be empty.
struct ServerEvents {
  std::function<void()> serving;   // every listener accepts and the threads are running
  std::function<void()> stopping;  // the listeners are about to close and the drain begins
};

class Server {
 public:
  // Opens every listener (so a bad path, busy socket or unusable certificate is reported before the
  // daemon says it is ready); throws ListenerError naming the one that failed. `config` gives the thread
  // count and, for TLS listeners, the certificate.
  Server(const Config& config, std::vector<ListenerSpec> listeners);
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

}  // namespace cryftee::transport
