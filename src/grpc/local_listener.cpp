#include "grpc/local_listener.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <boost/asio/ip/tcp.hpp>

#include "config/defaults.h"
#include "config/values.h"
#include "transport/listener_error.h"
#include "transport/peer_credentials.h"
#include "util/log.h"

namespace cryftee::grpc_signer {
namespace {

// The socket is bound under this umask so it is never, even briefly, more open than its final mode.
constexpr mode_t kSocketBindUmask = 0177;
constexpr const char* kListenerName = "grpc_signer";
// Connections refused for the limit in a burst share one log line per interval.
constexpr std::chrono::seconds kRefusalLogInterval{1};

[[noreturn]] void fail(const std::string& where, const std::string& what) {
  throw transport::ListenerError("gRPC signer listener " + where + ": " + what + " (choose another --grpc-signer-addr)");
}

std::string error_text(const char* what, int error) { return std::string(what) + ": " + std::strerror(error); }

// A TCP socket's local or remote end as the HTTP server names TCP peers ("127.0.0.1:PORT", "[::1]:PORT").
std::string endpoint_text(int fd, bool remote) {
  boost::asio::ip::tcp::endpoint endpoint;
  socklen_t length = static_cast<socklen_t>(endpoint.capacity());
  const int got = remote ? ::getpeername(fd, endpoint.data(), &length) : ::getsockname(fd, endpoint.data(), &length);
  if (got != 0) return "tcp:unknown";
  endpoint.resize(length);
  return transport::tcp_peer(endpoint, transport::PeerTransport::Tcp).address;
}

}  // namespace

LocalListener::OwnedFd::~OwnedFd() {
  if (fd >= 0) ::close(fd);
}

LocalListener::LocalListener(std::filesystem::path path, std::vector<uid_t> allowed_uids, std::size_t max_connections)
    : unix_(true), allowed_uids_(std::move(allowed_uids)), max_connections_(max_connections),
      address_("unix:" + path.string()) {
  transport::prepare_socket_path(path);
  listen_fd_.fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  wake_fd_.fd = ::eventfd(0, EFD_CLOEXEC);
  if (listen_fd_.fd < 0 || wake_fd_.fd < 0) fail(address_, error_text("cannot create a socket", errno));
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.c_str(), path.native().size() + 1);  // length checked by the config
  const mode_t previous = ::umask(kSocketBindUmask);
  const int bound = ::bind(listen_fd_.fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
  const int bind_error = errno;
  ::umask(previous);
  if (bound != 0) fail(address_, error_text("cannot bind", bind_error));
  socket_file_ = transport::SocketFile(path, defaults::kUdsSocketMode);
  if (::listen(listen_fd_.fd, SOMAXCONN) != 0) fail(address_, error_text("cannot listen", errno));
}

LocalListener::LocalListener(const HostPort& address, std::size_t max_connections)
    : unix_(false), max_connections_(max_connections), address_(config::host_port_text(address)) {
  sockaddr_storage storage{};
  socklen_t length = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
  if (::inet_pton(AF_INET, address.host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(address.port);
    length = sizeof *v4;
  } else if (::inet_pton(AF_INET6, address.host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(address.port);
    length = sizeof *v6;
  } else {
    fail(address_, "not an IP address");
  }
  listen_fd_.fd = ::socket(storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  wake_fd_.fd = ::eventfd(0, EFD_CLOEXEC);
  if (listen_fd_.fd < 0 || wake_fd_.fd < 0) fail(address_, error_text("cannot create a socket", errno));
  // Rebinding right after a restart is fine (SO_REUSEADDR); sharing the port with another process is not
  // (no SO_REUSEPORT).
  const int on = 1;
  ::setsockopt(listen_fd_.fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  if (storage.ss_family == AF_INET6) ::setsockopt(listen_fd_.fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
  if (::bind(listen_fd_.fd, reinterpret_cast<const sockaddr*>(&storage), length) != 0) {
    fail(address_, error_text("cannot bind", errno));
  }
  if (::listen(listen_fd_.fd, SOMAXCONN) != 0) fail(address_, error_text("cannot listen", errno));
  address_ = endpoint_text(listen_fd_.fd, /*remote=*/false);
}

LocalListener::~LocalListener() { stop(); }

void LocalListener::start(HandOver hand_over) {
  hand_over_ = std::move(hand_over);
  thread_ = std::thread([this] { accept_loop(); });
}

void LocalListener::stop() {
  if (thread_.joinable()) {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto written = ::write(wake_fd_.fd, &one, sizeof one);
    thread_.join();
  }
  socket_file_.remove();
}

void LocalListener::accept_loop() {
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

std::optional<std::string> LocalListener::allowed_peer(int fd) const {
  if (!unix_) return endpoint_text(fd, /*remote=*/true);
  const transport::Peer peer = transport::unix_peer(fd);
  if (!allowed_uids_.empty() &&
      (!peer.uid || std::find(allowed_uids_.begin(), allowed_uids_.end(), *peer.uid) == allowed_uids_.end())) {
    log::warn("connection_refused", {{"peer", peer.address}, {"listener", kListenerName},
                                     {"reason", "peer uid is not in allowed_peer_uids"}});
    return std::nullopt;
  }
  return peer.address;
}

void LocalListener::admit(int fd) {
  const std::optional<std::string> peer = allowed_peer(fd);
  struct stat socket_file {};
  if (!peer || ::fstat(fd, &socket_file) != 0) {
    ::close(fd);
    return;
  }
  {
    std::lock_guard lock(peers_mutex_);
    if (open_connections() >= max_connections_) {
      ::close(fd);
      log_refusal(*peer);
      return;
    }
    peers_[fd] = Admitted{*peer, socket_file.st_dev, socket_file.st_ino};
  }
  hand_over_(fd);
}

std::size_t LocalListener::open_connections() {
  std::erase_if(peers_, [](const auto& entry) {
    const auto& [fd, admitted] = entry;
    struct stat now {};
    return ::fstat(fd, &now) != 0 || now.st_dev != admitted.device || now.st_ino != admitted.inode;
  });
  return peers_.size();
}

void LocalListener::log_refusal(const std::string& peer) {
  ++unlogged_refusals_;
  const auto now = std::chrono::steady_clock::now();
  if (last_refusal_line_ && now - *last_refusal_line_ < kRefusalLogInterval) return;
  log::warn("connection_refused", {{"peer", peer}, {"listener", kListenerName}, {"reason", "connection limit reached"},
                                   {"limit", max_connections_}, {"refused_since_last_line", unlogged_refusals_}});
  last_refusal_line_ = now;
  unlogged_refusals_ = 0;
}

std::string LocalListener::peer_address(int fd) const {
  std::lock_guard lock(peers_mutex_);
  const auto found = peers_.find(fd);
  if (found != peers_.end()) return found->second.peer;
  return unix_ ? "unix:uid=unknown" : "tcp:unknown";
}

}  // namespace cryftee::grpc_signer
