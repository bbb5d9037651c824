#pragma once
// Every open connection of one listener's budget, for its connection limits and the graceful drain: new
// connections beyond the limit (or beyond the per-peer limit, when there is one) are refused, and on
// shutdown idle ones are closed while busy ones finish their request and then close.
#include <condition_variable>
#include <chrono>
#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace cryftee::transport {

class Connection {
 public:
  virtual ~Connection() = default;
  // Called once when the server stops: close now if idle, else after the response in progress.
  virtual void begin_shutdown() = 0;
};

enum class Admission { Admitted, ListenerFull, PeerFull, Stopping };

class ConnectionBook {
 public:
  // `max_per_peer` 0: no per-peer limit (peer keys are then ignored).
  explicit ConnectionBook(std::size_t max_connections, std::size_t max_per_peer = 0)
      : max_connections_(max_connections), max_per_peer_(max_per_peer) {}

  // Reserves a slot for a connection from `peer` (Peer::limit_key), or says why not.
  Admission reserve(const std::string& peer = {});
  bool try_reserve() { return reserve() == Admission::Admitted; }
  // Registers the connection that holds a reserved slot.
  void enter(const std::shared_ptr<Connection>& connection);
  // Gives back the slot reserved for `peer`; called by the connection's destructor path.
  void leave(const std::string& peer = {});

  // Asks every open connection to finish, then waits up to `drain` for them all to go.
  // Returns the number still open when the wait ended.
  std::size_t shut_down_and_drain(std::chrono::milliseconds drain);

  bool stopping() const;

 private:
  const std::size_t max_connections_;
  const std::size_t max_per_peer_;
  mutable std::mutex mutex_;
  std::condition_variable all_gone_;
  std::size_t open_ = 0;
  bool stopping_ = false;
  std::list<std::weak_ptr<Connection>> connections_;
  std::unordered_map<std::string, std::size_t> open_per_peer_;  // only peers with an open connection
};

}  // namespace cryftee::transport
