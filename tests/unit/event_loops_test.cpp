// The server's event loops: a new connection goes to the loop with the fewest, each loop's handlers run
// on that loop's own thread, and stop() ends them all.
#include "transport/event_loops.h"

#include <gtest/gtest.h>

#include <boost/asio/post.hpp>
#include <future>
#include <set>
#include <thread>

namespace cryftee::transport {
namespace {

TEST(EventLoops, ANewConnectionGoesToTheLoopWithTheFewest) {
  EventLoops loops(3);
  ASSERT_EQ(loops.size(), 3u);
  std::vector<EventLoops::Seat> seats;
  std::set<const boost::asio::io_context*> chosen;
  for (int i = 0; i < 3; ++i) {
    boost::asio::io_context& io = loops.least_busy();
    chosen.insert(&io);
    seats.push_back(loops.seat_on(io));
  }
  EXPECT_EQ(chosen.size(), 3u);  // one connection on each
  boost::asio::io_context& fourth = loops.least_busy();
  EventLoops::Seat extra = loops.seat_on(fourth);
  // The fourth shares a loop, so the next goes to another; with the first three closed, so does it.
  EXPECT_NE(&loops.least_busy(), &fourth);
  seats.clear();
  EXPECT_NE(&loops.least_busy(), &fourth);
}

TEST(EventLoops, EachLoopRunsItsHandlersOnOneThreadOfItsOwn) {
  EventLoops loops(2);
  loops.run();
  auto thread_of = [](boost::asio::io_context& io) {
    std::promise<std::thread::id> ran;
    boost::asio::post(io, [&ran] { ran.set_value(std::this_thread::get_id()); });
    return ran.get_future().get();
  };
  boost::asio::io_context& first = loops.first();
  EventLoops::Seat on_first = loops.seat_on(first);
  boost::asio::io_context& second = loops.least_busy();
  ASSERT_NE(&first, &second);
  const std::thread::id first_thread = thread_of(first);
  EXPECT_EQ(thread_of(first), first_thread);
  EXPECT_NE(thread_of(second), first_thread);
  EXPECT_NE(thread_of(second), std::this_thread::get_id());
  loops.stop();  // returns although nothing asked the loops to finish their (empty) work
  EXPECT_TRUE(first.stopped());
  EXPECT_TRUE(second.stopped());
}

TEST(EventLoops, AtLeastOneLoop) {
  EventLoops loops(0);
  EXPECT_EQ(loops.size(), 1u);
}

}  // namespace
}  // namespace cryftee::transport
