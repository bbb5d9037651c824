#include "transport/uds_path.h"

#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <cerrno>
#include <cstring>

#include "transport/listener_error.h"

namespace cryftee::transport {
namespace {

constexpr mode_t kCreatedDirectoryMode = 0750;

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what) {
  throw ListenerError("unix socket " + path.string() + ": " + what);
}

std::filesystem::path parent_of(const std::filesystem::path& socket_path) {
  auto parent = socket_path.parent_path();
  return parent.empty() ? std::filesystem::path(".") : parent;
}

void ensure_private_directory(const std::filesystem::path& socket_path) {
  const auto directory = parent_of(socket_path);
  struct stat info {};
  if (::stat(directory.c_str(), &info) != 0) {
    if (errno != ENOENT) fail(socket_path, "cannot inspect directory " + directory.string() + ": " + std::strerror(errno));
    std::error_code error;
    std::filesystem::create_directories(directory, error);
    if (error) fail(socket_path, "cannot create directory " + directory.string() + ": " + error.message());
    // mkdir honours the umask; set the mode we promise explicitly.
    if (::chmod(directory.c_str(), kCreatedDirectoryMode) != 0 || ::stat(directory.c_str(), &info) != 0) {
      fail(socket_path, "cannot set mode 0750 on directory " + directory.string() + ": " + std::strerror(errno));
    }
  }
  if (!S_ISDIR(info.st_mode)) fail(socket_path, directory.string() + " is not a directory");
  const bool writable_by_others = (info.st_mode & (S_IWGRP | S_IWOTH)) != 0;
  const bool sticky_and_ours = (info.st_mode & S_ISVTX) != 0 && info.st_uid == ::geteuid();
  if (writable_by_others && !sticky_and_ours) {
    fail(socket_path, "directory " + directory.string() +
                          " is writable by group or others, so another user could replace the socket; "
                          "use a directory only the daemon's user can write (e.g. mode 0750)");
  }
}

bool someone_answers(const std::filesystem::path& socket_path) {
  boost::asio::io_context context;
  boost::asio::local::stream_protocol::socket probe(context);
  boost::system::error_code error;
  probe.connect(boost::asio::local::stream_protocol::endpoint(socket_path.string()), error);
  return !error;
}

}  // namespace

void prepare_socket_path(const std::filesystem::path& socket_path) {
  ensure_private_directory(socket_path);
  struct stat info {};
  if (::lstat(socket_path.c_str(), &info) != 0) {
    if (errno == ENOENT) return;
    fail(socket_path, std::string("cannot inspect the path: ") + std::strerror(errno));
  }
  if (!S_ISSOCK(info.st_mode)) fail(socket_path, "the path exists and is not a socket; remove it or choose another --uds-path");
  if (someone_answers(socket_path)) {
    fail(socket_path, "another process (probably a running cryftee) answers on this socket; stop it first or choose another --uds-path");
  }
  if (::unlink(socket_path.c_str()) != 0) fail(socket_path, std::string("cannot remove the stale socket: ") + std::strerror(errno));
}

SocketFile::SocketFile(std::filesystem::path path, unsigned mode) : path_(std::move(path)) {
  struct stat info {};
  if (::chmod(path_.c_str(), mode) != 0 || ::lstat(path_.c_str(), &info) != 0) {
    fail(path_, std::string("cannot set the socket's mode: ") + std::strerror(errno));
  }
  device_ = info.st_dev;
  inode_ = info.st_ino;
  owned_ = true;
}

SocketFile::SocketFile(SocketFile&& other) noexcept { *this = std::move(other); }

SocketFile& SocketFile::operator=(SocketFile&& other) noexcept {
  if (this != &other) {
    remove();
    path_ = std::move(other.path_);
    device_ = other.device_;
    inode_ = other.inode_;
    owned_ = std::exchange(other.owned_, false);
  }
  return *this;
}

SocketFile::~SocketFile() { remove(); }

void SocketFile::remove() noexcept {
  if (!owned_) return;
  owned_ = false;
  struct stat info {};
  if (::lstat(path_.c_str(), &info) == 0 && info.st_dev == device_ && info.st_ino == inode_) ::unlink(path_.c_str());
}

}  // namespace cryftee::transport
