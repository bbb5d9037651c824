#include "util/work_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

namespace cryftee {
namespace {

TEST(WorkQueue, RunsJobsOffTheCallingThread) {
  WorkQueue queue(1, 4);
  std::promise<std::thread::id> ran;
  ASSERT_TRUE(queue.try_submit([&ran] { ran.set_value(std::this_thread::get_id()); }));
  EXPECT_NE(ran.get_future().get(), std::this_thread::get_id());
}

TEST(WorkQueue, RefusesBeyondItsQueueLimitAndDropsWaitingJobsAtShutDown) {
  WorkQueue queue(1, 2);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> started;
  ASSERT_TRUE(queue.try_submit([&started, released] {
    started.set_value();
    released.wait();
  }));
  started.get_future().wait();  // the only thread is busy; what follows waits
  std::atomic<int> ran{0};
  EXPECT_TRUE(queue.try_submit([&ran] { ++ran; }));
  EXPECT_TRUE(queue.try_submit([&ran] { ++ran; }));
  EXPECT_FALSE(queue.try_submit([&ran] { ++ran; }));
  EXPECT_EQ(queue.waiting(), 2u);
  std::thread stopper([&queue] { queue.shut_down(); });
  // shut_down drops the waiting jobs at once and then waits for the running one.
  while (queue.waiting() != 0) std::this_thread::yield();
  release.set_value();
  stopper.join();
  EXPECT_EQ(ran.load(), 0);
  EXPECT_FALSE(queue.try_submit([] {}));
}

}  // namespace
}  // namespace cryftee
