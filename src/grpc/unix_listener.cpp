#include "grpc/unix_listener.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "config/defaults.h"
#include "http/listener_error.h"
#include "http/peer_credentials.h"
#include "util/log.h"

namespace cryftee::grpc_signer {
namespace {

// The socket is bound under this umask so it is never, even briefly, more open than its final mode.
constexpr mode_t kSocketBindUmask = 0177;
constexpr const char* kListenerName = "grpc_signer";

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what) {
  throw http::ListenerError("gRPC signer socket " + path.string() + ": " + what + " (choose another --grpc-signer-addr)");
}

}  // namespace

UnixListener::OwnedFd::~OwnedFd() {
  if (fd >= 0) ::close(fd);
}

UnixListener::UnixListener(std::filesystem::path path, std::vector<uid_t> allowed_uids)
    : path_(std::move(path)), allowed_uids_(std::move(allowed_uids)) {
  http::prepare_socket_path(path_);
  listen_fd_.fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  wake_fd_.fd = ::eventfd(0, EFD_CLOEXEC);
  if (listen_fd_.fd < 0 || wake_fd_.fd < 0) fail(path_, std::string("cannot create a socket: ") + std::strerror(errno));
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path_.c_str(), path_.native().size() + 1);  // length checked by the config
  const mode_t previous = ::umask(kSocketBindUmask);
  const int bound = ::bind(listen_fd_.fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
  const int bind_error = errno;
  ::umask(previous);
  if (bound != 0) fail(path_, std::string("cannot bind: ") + std::strerror(bind_error));
  socket_file_ = http::SocketFile(path_, defaults::kUdsSocketMode);
  if (::listen(listen_fd_.fd, SOMAXCONN) != 0) fail(path_, std::string("cannot listen: ") + std::strerror(errno));
}

UnixListener::~UnixListener() { stop(); }

void UnixListener::start(HandOver hand_over) {
  hand_over_ = std::move(hand_over);
  thread_ = std::thread([this] { accept_loop(); });
}

void UnixListener::stop() {
  if (thread_.joinable()) {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto written = ::write(wake_fd_.fd, &one, sizeof one);
    thread_.join();
  }
  socket_file_.remove();
}

void UnixListener::accept_loop() {
  pollfd watched[2] = {{listen_fd_.fd, POLLIN, 0}, {wake_fd_.fd, POLLIN, 0}};
  for (;;) {
    if (::poll(watched, 2, -1) < 0) {
      if (errno == EINTR) continue;
      log::error("accept_failed", {{"listener", kListenerName}, {"error", std::strerror(errno)}});
      return;
    }
    if (watched[1].revents != 0) return;
    const int fd = ::accept4(listen_fd_.fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      admit(fd);
    } else if (errno != EINTR && errno != EAGAIN && errno != ECONNABORTED) {
      // Out of descriptors, typically: say so, and let the pending connection wait rather than spin.
      log::warn("accept_failed", {{"listener", kListenerName}, {"error", std::strerror(errno)}});
      ::poll(watched + 1, 1, 100);
    }
  }
}

void UnixListener::admit(int fd) {
  const http::Peer peer = http::unix_peer(fd);
  if (!allowed_uids_.empty() &&
      (!peer.uid || std::find(allowed_uids_.begin(), allowed_uids_.end(), *peer.uid) == allowed_uids_.end())) {
    log::warn("connection_refused", {{"peer", peer.address}, {"listener", kListenerName},
                                     {"reason", "peer uid is not in allowed_peer_uids"}});
    ::close(fd);
    return;
  }
  {
    std::lock_guard lock(peers_mutex_);
    peers_[fd] = peer.address;
  }
  hand_over_(fd);
}

std::string UnixListener::peer_address(int fd) const {
  std::lock_guard lock(peers_mutex_);
  const auto found = peers_.find(fd);
  return found == peers_.end() ? "unix:uid=unknown" : found->second;
}

}  // namespace cryftee::grpc_signer
