#pragma once
// Defaults and limits of the benchmark, in one place.
#include <chrono>
#include <cstddef>

namespace cryftee::bench {

inline constexpr double kDefaultSeconds = 5.0;         // each throughput measurement
inline constexpr unsigned kDefaultPairs = 3;          // slices per signing row, each paired with raw signing
inline constexpr double kDefaultWarmupSeconds = 1.0;   // API signing before the first measurement
inline constexpr std::size_t kDefaultRssSigns = 100'000;
inline constexpr unsigned kDefaultColdStarts = 3;
inline constexpr std::size_t kDefaultFloorRounds = 50'000;  // round trips per socket floor row
inline constexpr std::size_t kMessageSize = 32;

// How long a started daemon may take to answer its first sign before the benchmark gives up.
inline constexpr std::chrono::seconds kStartTimeout{30};
// Pause between attempts while a starting daemon is not answering yet.
inline constexpr std::chrono::milliseconds kStartPollInterval{2};
// A stopping daemon gets this long after SIGTERM before SIGKILL.
inline constexpr std::chrono::seconds kStopTimeout{10};
// Largest response head the HTTP client accepts.
inline constexpr std::size_t kMaxResponseHeadBytes = 64 * 1024;
// Failures printed one by one; the rest are only counted.
inline constexpr std::size_t kMaxFailuresShown = 10;

}  // namespace cryftee::bench
