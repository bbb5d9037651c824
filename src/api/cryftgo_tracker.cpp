#include "api/cryftgo_tracker.h"

#include <algorithm>

namespace cryftee {

void CryftgoTracker::record(int status, std::string_view error_code) {
  std::lock_guard lock(mutex_);
  ++request_count_;
  if (status < 400) return;
  ++error_count_;
  last_error_ = std::to_string(status);
  if (!error_code.empty()) *last_error_ += " " + std::string(error_code);
}

void CryftgoTracker::heartbeat(const Heartbeat& beat, std::chrono::system_clock::time_point received_at) {
  std::lock_guard lock(mutex_);
  last_heartbeat_ = beat;
  heartbeat_received_at_ = received_at;
}

ConnectionSnapshot CryftgoTracker::snapshot(std::chrono::system_clock::time_point now) const {
  std::lock_guard lock(mutex_);
  ConnectionSnapshot snapshot;
  snapshot.request_count = request_count_;
  snapshot.error_count = error_count_;
  snapshot.last_error = last_error_;
  if (!last_heartbeat_) return snapshot;
  snapshot.connected = now - heartbeat_received_at_ < kHeartbeatFreshFor;
  snapshot.last_seen = heartbeat_received_at_;
  const auto received_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(heartbeat_received_at_.time_since_epoch()).count();
  // Clocks of two processes on one host can still disagree by a little; a negative latency means none.
  snapshot.latency_ms = std::max<std::int64_t>(0, received_ms - last_heartbeat_->timestamp_ms);
  snapshot.cryftgo_version = last_heartbeat_->cryftgo_version;
  snapshot.cryftgo_node_id = last_heartbeat_->node_id;
  return snapshot;
}

}  // namespace cryftee
