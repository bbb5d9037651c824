#include "api/token_attempts.h"

#include <algorithm>

namespace cryftee::api {

std::chrono::seconds TokenAttempts::wait_for(const std::string& peer, Clock::time_point now) const {
  std::lock_guard lock(mutex_);
  const auto it = records_.find(peer);
  if (it == records_.end() || it->second.failures < kMaxFailedTokens) return std::chrono::seconds{0};
  const auto left = it->second.window_start + kFailedTokenWindow - now;
  if (left <= Clock::duration::zero()) return std::chrono::seconds{0};
  // Rounded up, so a client that waits exactly Retry-After seconds is let through.
  return std::chrono::ceil<std::chrono::seconds>(left);
}

void TokenAttempts::record_failure(const std::string& peer, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto it = records_.find(peer);
  if (it == records_.end()) {
    make_room(now);
    it = records_.emplace(peer, Record{0, now}).first;
  }
  Record& record = it->second;
  if (now - record.window_start >= kFailedTokenWindow) record = Record{0, now};
  ++record.failures;
}

// Forgets peers whose window has ended; when every tracked peer is still inside its window, forgets the
// one whose window started first.
void TokenAttempts::make_room(Clock::time_point now) {
  if (records_.size() < kMaxTrackedTokenPeers) return;
  std::erase_if(records_, [now](const auto& entry) { return now - entry.second.window_start >= kFailedTokenWindow; });
  if (records_.size() < kMaxTrackedTokenPeers) return;
  const auto oldest = std::min_element(records_.begin(), records_.end(), [](const auto& a, const auto& b) {
    return a.second.window_start < b.second.window_start;
  });
  records_.erase(oldest);
}

}  // namespace cryftee::api
