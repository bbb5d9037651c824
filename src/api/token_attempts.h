#pragma once
// Wrong bearer tokens counted per peer, so the admin token cannot be guessed at network speed: once a peer
// has sent kMaxFailedTokens wrong tokens within kFailedTokenWindow, every token it sends is refused unread
// (429 with Retry-After) until that window ends. Thread-safe; the table is bounded, so a peer that changes
// address for every guess cannot grow it without limit.
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace cryftee::api {

inline constexpr std::size_t kMaxFailedTokens = 10;
inline constexpr std::chrono::seconds kFailedTokenWindow{60};
inline constexpr std::size_t kMaxTrackedTokenPeers = 4096;

class TokenAttempts {
 public:
  using Clock = std::chrono::steady_clock;

  // How long the peer must wait before a token it sends is looked at again; zero when it may try now.
  std::chrono::seconds wait_for(const std::string& peer, Clock::time_point now = Clock::now()) const;
  void record_failure(const std::string& peer, Clock::time_point now = Clock::now());

 private:
  struct Record {
    std::size_t failures = 0;
    Clock::time_point window_start;
  };
  void make_room(Clock::time_point now);

  mutable std::mutex mutex_;
  std::unordered_map<std::string, Record> records_;
};

}  // namespace cryftee::api
