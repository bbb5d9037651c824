#include "api/cryftgo_tracker.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace cryftee {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::system_clock;

Clock::time_point at_ms(std::int64_t ms) { return Clock::time_point(std::chrono::milliseconds(ms)); }

TEST(CryftgoTracker, StartsDisconnectedWithNothingCounted) {
  CryftgoTracker tracker;
  const ConnectionSnapshot snapshot = tracker.snapshot();
  EXPECT_FALSE(snapshot.connected);
  EXPECT_FALSE(snapshot.last_seen);
  EXPECT_FALSE(snapshot.latency_ms);
  EXPECT_EQ(snapshot.request_count, 0u);
  EXPECT_EQ(snapshot.error_count, 0u);
  EXPECT_FALSE(snapshot.last_error);
}

TEST(CryftgoTracker, CountsRequestsAndErrors) {
  CryftgoTracker tracker;
  tracker.record(200);
  tracker.record(404, "route_not_found");
  tracker.record(201);
  tracker.record(503, "no_module");
  tracker.record(399);
  const ConnectionSnapshot snapshot = tracker.snapshot();
  EXPECT_EQ(snapshot.request_count, 5u);
  EXPECT_EQ(snapshot.error_count, 2u);
  EXPECT_EQ(snapshot.last_error, "503 no_module");
  tracker.record(500);
  EXPECT_EQ(tracker.snapshot().last_error, "500");
}

TEST(CryftgoTracker, HeartbeatSetsIdentityLastSeenAndLatency) {
  CryftgoTracker tracker;
  tracker.heartbeat({"v1.11.0", "NodeID-abc", 1'000'000}, at_ms(1'000'250));
  const ConnectionSnapshot snapshot = tracker.snapshot(at_ms(1'005'000));
  EXPECT_TRUE(snapshot.connected);
  EXPECT_EQ(snapshot.last_seen, at_ms(1'000'250));
  EXPECT_EQ(snapshot.latency_ms, 250);
  EXPECT_EQ(snapshot.cryftgo_version, "v1.11.0");
  EXPECT_EQ(snapshot.cryftgo_node_id, "NodeID-abc");
}

TEST(CryftgoTracker, LatencyFromAClockAheadOfOursIsClampedToZero) {
  CryftgoTracker tracker;
  tracker.heartbeat({"v", "n", 2'000'000}, at_ms(1'999'000));
  EXPECT_EQ(tracker.snapshot(at_ms(1'999'000)).latency_ms, 0);
}

TEST(CryftgoTracker, ConnectionGoesStaleWithoutHeartbeats) {
  CryftgoTracker tracker;
  const Clock::time_point received = at_ms(5'000'000);
  tracker.heartbeat({"v", "n", 5'000'000}, received);
  EXPECT_TRUE(tracker.snapshot(received + kHeartbeatFreshFor - 1ms).connected);
  EXPECT_FALSE(tracker.snapshot(received + kHeartbeatFreshFor).connected);
  tracker.heartbeat({"v", "n", 5'100'000}, received + kHeartbeatFreshFor + 1ms);
  EXPECT_TRUE(tracker.snapshot(received + kHeartbeatFreshFor + 2ms).connected);
}

TEST(CryftgoTracker, CountsFromManyThreads) {
  CryftgoTracker tracker;
  constexpr int kThreads = 8;
  constexpr int kPerThread = 2000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&tracker, t] {
      for (int i = 0; i < kPerThread; ++i) {
        tracker.record(i % 4 == 0 ? 400 : 200, "bad_json");
        if (i % 100 == 0) tracker.heartbeat({"v", "node-" + std::to_string(t), i});
        (void)tracker.snapshot();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  const ConnectionSnapshot snapshot = tracker.snapshot();
  EXPECT_EQ(snapshot.request_count, static_cast<std::uint64_t>(kThreads * kPerThread));
  EXPECT_EQ(snapshot.error_count, static_cast<std::uint64_t>(kThreads * kPerThread / 4));
}

}  // namespace
}  // namespace cryftee
