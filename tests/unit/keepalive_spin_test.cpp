#include "transport/keepalive_spin.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <string>
#include <thread>

namespace cryftee::transport {
namespace {

using namespace std::chrono_literals;

// Both ends of a connected Unix stream socket pair, closed at the end.
struct SocketPair {
  SocketPair() { EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0); }
  ~SocketPair() {
    for (int fd : fds) {
      if (fd >= 0) ::close(fd);
    }
  }
  void send(const std::string& text) const {
    ASSERT_EQ(::send(fds[1], text.data(), text.size(), 0), static_cast<ssize_t>(text.size()));
  }
  int fds[2] = {-1, -1};
};

TEST(KeepAliveSpin, SpinsOnlyWhileNoMoreConnectionsThanThreads) {
  KeepAliveSpin spin(100us, 2);
  EXPECT_EQ(spin.window(), 100us);
  spin.opened();
  spin.opened();
  EXPECT_EQ(spin.window(), 100us);  // each connection can have a thread of its own
  spin.opened();
  EXPECT_EQ(spin.window(), 0us);  // a third may be waiting for a thread
  spin.closed();
  EXPECT_EQ(spin.window(), 100us);
}

TEST(KeepAliveSpin, ZeroWindowNeverSpins) {
  KeepAliveSpin spin(0us, 4);
  spin.opened();
  EXPECT_EQ(spin.window(), 0us);
}

TEST(SpinHabit, AMissStopsSpinningUntilAClientSendsAtOnce) {
  SpinHabit habit;
  EXPECT_TRUE(habit.worth_spinning());  // a new connection is given the benefit of the doubt
  habit.spun(true);
  EXPECT_TRUE(habit.worth_spinning());
  habit.spun(false);
  EXPECT_FALSE(habit.worth_spinning());
  habit.came_without_spin(5ms, 100us);  // a client that asks now and then stays unspun for
  EXPECT_FALSE(habit.worth_spinning());
  habit.came_without_spin(30us, 100us);  // one that sent at once is spun for again
  EXPECT_TRUE(habit.worth_spinning());
}

TEST(SpinRead, ReadsWhatIsAlreadyWaiting) {
  SocketPair pair;
  pair.send("GET / HTTP/1.1\r\n");
  std::array<char, 64> buffer{};
  const std::size_t got = spin_read(pair.fds[0], buffer.data(), buffer.size(), 1ms);
  EXPECT_EQ(std::string(buffer.data(), got), "GET / HTTP/1.1\r\n");
}

TEST(SpinRead, FindsBytesSentWhileItLooks) {
  SocketPair pair;
  std::thread sender([&] {
    std::this_thread::sleep_for(5ms);
    pair.send("late");
  });
  std::array<char, 64> buffer{};
  // The window is far longer than the sender needs: the bytes must be found, not timed out on.
  const std::size_t got = spin_read(pair.fds[0], buffer.data(), buffer.size(), 10s);
  sender.join();
  EXPECT_EQ(std::string(buffer.data(), got), "late");
}

TEST(SpinRead, ReadsNoMoreThanItsCapacity) {
  SocketPair pair;
  pair.send("0123456789");
  std::array<char, 4> small{};
  EXPECT_EQ(spin_read(pair.fds[0], small.data(), small.size(), 1ms), 4u);
  std::array<char, 64> rest{};
  EXPECT_EQ(std::string(rest.data(), ::recv(pair.fds[0], rest.data(), rest.size(), 0)), "456789");
}

TEST(SpinRead, NothingInTimeReadsNothingAndConsumesNothing) {
  SocketPair pair;
  std::array<char, 64> buffer{};
  EXPECT_EQ(spin_read(pair.fds[0], buffer.data(), buffer.size(), 200us), 0u);
  pair.send("next");
  EXPECT_EQ(std::string(buffer.data(), ::recv(pair.fds[0], buffer.data(), buffer.size(), 0)), "next");
}

TEST(SpinRead, AClosedPeerIsLeftForTheReadThatFollows) {
  SocketPair pair;
  ::close(pair.fds[1]);
  pair.fds[1] = -1;
  std::array<char, 64> buffer{};
  EXPECT_EQ(spin_read(pair.fds[0], buffer.data(), buffer.size(), 10s), 0u);  // at once, not after 10 s
  EXPECT_EQ(::recv(pair.fds[0], buffer.data(), buffer.size(), 0), 0);       // the close is still there
}

TEST(SpinRead, AFailedReadReadsNothing) {
  std::array<char, 64> buffer{};
  EXPECT_EQ(spin_read(-1, buffer.data(), buffer.size(), 10s), 0u);
}

}  // namespace
}  // namespace cryftee::transport
