#include "transport/uds_path.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "transport/listener_error.h"

namespace cryftee::transport {
namespace {

namespace fs = std::filesystem;

// A real listening (or, after close, stale) Unix socket at `path`.
int bind_socket(const fs::path& path, bool listen_on_it) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0) << std::strerror(errno);
  if (listen_on_it) EXPECT_EQ(::listen(fd, 1), 0);
  return fd;
}

mode_t mode_of(const fs::path& path) {
  struct stat info {};
  ::lstat(path.c_str(), &info);
  return info.st_mode & 07777;
}

class UdsPathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("cryftee-uds-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
    fs::create_directories(base_);
    fs::permissions(base_, fs::perms(0750));
  }
  void TearDown() override { fs::remove_all(base_); }
  fs::path base_;
};

TEST_F(UdsPathTest, CreatesAMissingDirectoryWithMode0750) {
  const fs::path socket = base_ / "run" / "deeper" / "cryftee.sock";
  prepare_socket_path(socket);
  EXPECT_TRUE(fs::is_directory(socket.parent_path()));
  EXPECT_EQ(mode_of(socket.parent_path()), 0750u);
}

TEST_F(UdsPathTest, RefusesADirectoryOthersCanWrite) {
  for (mode_t mode : {0770, 0757, 0777}) {
    fs::permissions(base_, fs::perms(mode));
    EXPECT_THROW(prepare_socket_path(base_ / "cryftee.sock"), ListenerError) << std::oct << mode;
  }
}

TEST_F(UdsPathTest, AcceptsAStickyWritableDirectoryWeOwn) {
  fs::permissions(base_, fs::perms(01777));
  EXPECT_NO_THROW(prepare_socket_path(base_ / "cryftee.sock"));
}

TEST_F(UdsPathTest, ReplacesAStaleSocketButNotALiveOne) {
  const fs::path socket = base_ / "cryftee.sock";
  const int live = bind_socket(socket, true);
  try {
    prepare_socket_path(socket);
    ADD_FAILURE() << "a live socket was taken over";
  } catch (const ListenerError& error) {
    EXPECT_NE(std::string(error.what()).find("answers on this socket"), std::string::npos);
  }
  EXPECT_TRUE(fs::exists(socket));
  ::close(live);  // now nobody answers: stale
  prepare_socket_path(socket);
  EXPECT_FALSE(fs::exists(socket));
}

TEST_F(UdsPathTest, NeverRemovesSomethingThatIsNotASocket) {
  const fs::path file = base_ / "cryftee.sock";
  std::ofstream(file) << "precious";
  EXPECT_THROW(prepare_socket_path(file), ListenerError);
  EXPECT_TRUE(fs::exists(file));
}

TEST_F(UdsPathTest, SocketFileSetsTheModeAndRemovesOnlyItsOwnSocket) {
  const fs::path socket = base_ / "cryftee.sock";
  const int first = bind_socket(socket, false);
  {
    SocketFile owned(socket, 0660);
    EXPECT_EQ(mode_of(socket), 0660u);
    // Someone else replaced the socket: ours is gone, theirs must survive our clean-up.
    ::unlink(socket.c_str());
    const int successor = bind_socket(socket, false);
    owned.remove();
    EXPECT_TRUE(fs::exists(socket));
    ::close(successor);
    ::unlink(socket.c_str());
  }
  ::close(first);
  const int second = bind_socket(socket, false);
  { SocketFile owned(socket, 0660); }
  EXPECT_FALSE(fs::exists(socket));
  ::close(second);
}

}  // namespace
}  // namespace cryftee::transport
