#include "http/connection_book.h"

#include <vector>

namespace cryftee::http {

bool ConnectionBook::try_reserve() {
  std::lock_guard lock(mutex_);
  if (stopping_ || open_ >= max_connections_) return false;
  ++open_;
  return true;
}

void ConnectionBook::enter(const std::shared_ptr<Connection>& connection) {
  std::lock_guard lock(mutex_);
  // Forget connections that have gone, so the list stays as long as the number open.
  connections_.remove_if([](const std::weak_ptr<Connection>& weak) { return weak.expired(); });
  connections_.push_back(connection);
}

void ConnectionBook::leave() {
  std::lock_guard lock(mutex_);
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

}  // namespace cryftee::http
