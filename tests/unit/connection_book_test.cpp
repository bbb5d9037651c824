#include "transport/connection_book.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace cryftee::transport {
namespace {

using namespace std::chrono_literals;

struct FakeConnection : Connection {
  explicit FakeConnection(ConnectionBook& book) : book(book) {}
  // Closing gives the slot back, as a real session does when it ends.
  void begin_shutdown() override {
    ++shutdown_calls;
    if (close_on_shutdown) book.leave();
  }
  ConnectionBook& book;
  bool close_on_shutdown = true;
  std::atomic<int> shutdown_calls{0};
};

TEST(ConnectionBook, RefusesBeyondTheLimitAndAfterLeaving) {
  ConnectionBook book(2);
  EXPECT_TRUE(book.try_reserve());
  EXPECT_TRUE(book.try_reserve());
  EXPECT_FALSE(book.try_reserve());
  book.leave();
  EXPECT_TRUE(book.try_reserve());
}

TEST(ConnectionBook, DrainAsksEveryConnectionAndWaitsForThem) {
  ConnectionBook book(8);
  auto a = std::make_shared<FakeConnection>(book);
  auto b = std::make_shared<FakeConnection>(book);
  ASSERT_TRUE(book.try_reserve());
  book.enter(a);
  ASSERT_TRUE(book.try_reserve());
  book.enter(b);
  EXPECT_EQ(book.shut_down_and_drain(1s), 0u);
  EXPECT_EQ(a->shutdown_calls, 1);
  EXPECT_EQ(b->shutdown_calls, 1);
  EXPECT_TRUE(book.stopping());
  EXPECT_FALSE(book.try_reserve());
}

TEST(ConnectionBook, DrainGivesUpAfterItsTime) {
  ConnectionBook book(8);
  auto busy = std::make_shared<FakeConnection>(book);
  busy->close_on_shutdown = false;
  ASSERT_TRUE(book.try_reserve());
  book.enter(busy);
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(book.shut_down_and_drain(100ms), 1u);
  EXPECT_GE(std::chrono::steady_clock::now() - started, 100ms);
}

TEST(ConnectionBook, AConnectionEnteringDuringTheDrainIsToldToo) {
  ConnectionBook book(8);
  ASSERT_TRUE(book.try_reserve());  // accepted just before the drain
  std::thread drain([&] { book.shut_down_and_drain(2s); });
  while (!book.stopping()) std::this_thread::yield();
  auto late = std::make_shared<FakeConnection>(book);
  book.enter(late);
  drain.join();
  EXPECT_EQ(late->shutdown_calls, 1);
}

}  // namespace
}  // namespace cryftee::transport

namespace cryftee::transport {
namespace {

TEST(ConnectionBook, CountsEachPeerAgainstItsOwnLimit) {
  ConnectionBook book(3, 2);
  EXPECT_EQ(book.reserve("a"), Admission::Admitted);
  EXPECT_EQ(book.reserve("a"), Admission::Admitted);
  EXPECT_EQ(book.reserve("a"), Admission::PeerFull);
  EXPECT_EQ(book.reserve("b"), Admission::Admitted);
  EXPECT_EQ(book.reserve("c"), Admission::ListenerFull);
  book.leave("a");
  EXPECT_EQ(book.reserve("c"), Admission::Admitted);
  EXPECT_EQ(book.reserve("a"), Admission::ListenerFull);
  book.leave("b");
  EXPECT_EQ(book.reserve("a"), Admission::Admitted);
}

}  // namespace
}  // namespace cryftee::transport
