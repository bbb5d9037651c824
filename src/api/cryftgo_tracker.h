#pragma once
// What the daemon knows about its client, cryftgo: the last heartbeat it sent and how many API requests
// and errors there were. Thread-safe: the server records every API response from its I/O threads while
// handlers take snapshots.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace cryftee {

// The client counts as connected while its last heartbeat is younger than this.
inline constexpr std::chrono::milliseconds kHeartbeatFreshFor{30'000};
// Longest cryftgo_version or node_id a heartbeat may carry.
inline constexpr std::size_t kMaxHeartbeatTextLength = 256;

struct Heartbeat {
  std::string cryftgo_version;
  std::string node_id;
  std::int64_t timestamp_ms = 0;  // the client's clock when it sent the heartbeat, Unix milliseconds
};

struct ConnectionSnapshot {
  bool connected = false;  // a heartbeat arrived within kHeartbeatFreshFor
  std::optional<std::chrono::system_clock::time_point> last_seen;  // when the last heartbeat arrived
  std::optional<std::int64_t> latency_ms;  // arrival time minus the heartbeat's own timestamp, at least 0
  std::string cryftgo_version;
  std::string cryftgo_node_id;
  std::uint64_t request_count = 0;
  std::uint64_t error_count = 0;
  std::optional<std::string> last_error;  // "<status> <error code>" of the last error response
};

class CryftgoTracker {
 public:
  // Counts one API response. Statuses of 400 and above are errors; `error_code` is the machine code of
  // the JSON error body when the caller has it.
  void record(int status, std::string_view error_code = {});
  void heartbeat(const Heartbeat& beat,
                 std::chrono::system_clock::time_point received_at = std::chrono::system_clock::now());
  ConnectionSnapshot snapshot(std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) const;

 private:
  mutable std::mutex mutex_;
  std::optional<Heartbeat> last_heartbeat_;
  std::chrono::system_clock::time_point heartbeat_received_at_;
  std::uint64_t request_count_ = 0;
  std::uint64_t error_count_ = 0;
  std::optional<std::string> last_error_;
};

}  // namespace cryftee
