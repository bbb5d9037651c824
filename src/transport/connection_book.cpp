#include "transport/connection_book.h"

#include <vector>

namespace cryftee::transport {

Admission ConnectionBook::reserve(const std::string& peer) {
  std::lock_guard lock(mutex_);
  if (stopping_) return Admission::Stopping;
  if (open_ >= max_connections_) return Admission::ListenerFull;
  if (max_per_peer_ > 0) {
    std::size_t& from_peer = open_per_peer_[peer];
    if (from_peer >= max_per_peer_) return Admission::PeerFull;
    ++from_peer;
  }
  ++open_;
  return Admission::Admitted;
}

void ConnectionBook::enter(const std::shared_ptr<Connection>& connection) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      // Forget connections that have gone, so the list stays as long as the number open.
      connections_.remove_if([](const std::weak_ptr<Connection>& weak) { return weak.expired(); });
      connections_.push_back(connection);
      return;
    }
  }
  // Accepted just as the drain began: it missed the call to everyone, so it gets its own.
  connection->begin_shutdown();
}

void ConnectionBook::leave(const std::string& peer) {
  std::lock_guard lock(mutex_);
  if (max_per_peer_ > 0) {
    const auto it = open_per_peer_.find(peer);
    if (it != open_per_peer_.end() && --it->second == 0) open_per_peer_.erase(it);
  }
  --open_;
  if (open_ == 0) all_gone_.notify_all();
}

bool ConnectionBook::stopping() const {
  std::lock_guard lock(mutex_);
  return stopping_;
}

std::size_t ConnectionBook::shut_down_and_drain(std::chrono::milliseconds drain) {
  std::vector<std::shared_ptr<Connection>> live;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (const auto& weak : connections_) {
      if (auto connection = weak.lock()) live.push_back(std::move(connection));
    }
    connections_.clear();
  }
  for (const auto& connection : live) connection->begin_shutdown();
  live.clear();
  std::unique_lock lock(mutex_);
  all_gone_.wait_for(lock, drain, [this] { return open_ == 0; });
  return open_;
}

}  // namespace cryftee::transport
