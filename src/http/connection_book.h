#pragma once
// Every open connection of a server, for the connection limit and the graceful drain: new connections
// beyond the limit are refused, and on shutdown idle ones are closed while busy ones finish their
// request and then close.
#include <condition_variable>
#include <chrono>
#include <cstddef>
#include <list>
#include <memory>
#include <mutex>

namespace cryftee::http {

class Connection {
 public:
  virtual ~Connection() = default;
  // Called once when the server stops: close now if idle, else after the response in progress.
  virtual void begin_shutdown() = 0;
};

class ConnectionBook {
 public:
  explicit ConnectionBook(std::size_t max_connections) : max_connections_(max_connections) {}

  // Reserves a slot; false when the limit is reached or the server is stopping.
  bool try_reserve();
  // Registers the connection that holds a reserved slot.
  void enter(const std::shared_ptr<Connection>& connection);
  // Gives back the slot; called by the connection's destructor path.
  void leave();

  // Asks every open connection to finish, then waits up to `drain` for them all to go.
  // Returns the number still open when the wait ended.
  std::size_t shut_down_and_drain(std::chrono::milliseconds drain);

  bool stopping() const;

 private:
  const std::size_t max_connections_;
  mutable std::mutex mutex_;
  std::condition_variable all_gone_;
  std::size_t open_ = 0;
  bool stopping_ = false;
  std::list<std::weak_ptr<Connection>> connections_;
};

}  // namespace cryftee::http
