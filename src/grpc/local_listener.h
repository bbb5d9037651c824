#pragma once
// The gRPC signer's listener for local callers: a Unix socket or a loopback TCP address, accepted by
// Cryftee's own loop and handed to the gRPC server one connection at a time (gRPC's own listeners can
// neither say who connected nor bound how many connect).
//
// - Unix socket: a peer is admitted only when its uid (SO_PEERCRED) is in --allowed-peer-uids (when that
//   list is set), exactly as on the API socket; a refused peer is logged and its connection closed before
//   it can send a byte to gRPC. The socket file follows the API socket's rules (transport/uds_path.h): a
//   private directory, mode 0660, a stale socket replaced safely, removed on exit.
// - Loopback TCP: any local process may connect (the address is loopback by config validation).
//
// Either way at most `max_connections` (--max-connections) handed-over connections are open at once; a
// connection beyond that is closed unread, and logged (a line per burst). gRPC closes a connection
// without telling this listener, so each one is remembered by its socket's identity (device and inode)
// and counts as open while its descriptor still names that socket.
#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "config/config.h"
#include "transport/uds_path.h"

namespace cryftee::grpc_signer {

class LocalListener {
 public:
  // Takes ownership of an admitted connection's file descriptor (non-blocking, close-on-exec).
  using HandOver = std::function<void(int fd)>;

  // Binds and listens on a Unix socket; throws transport::ListenerError naming the path and the problem.
  LocalListener(std::filesystem::path path, std::vector<uid_t> allowed_uids, std::size_t max_connections);
  // Binds and listens on a loopback address; throws transport::ListenerError naming it and the problem.
  LocalListener(const HostPort& address, std::size_t max_connections);
  ~LocalListener();
  LocalListener(const LocalListener&) = delete;
  LocalListener& operator=(const LocalListener&) = delete;

  // "unix:PATH", or "HOST:PORT" with the port bound (the one asked for, or the kernel's choice for 0).
  const std::string& address() const noexcept { return address_; }

  // Starts accepting on a thread of its own.
  void start(HandOver hand_over);
  // Stops accepting and removes the socket file; connections already handed over are not touched.
  void stop();

  // The peer of the connection handed over as `fd` (which stays unique while it is open), for logs:
  // "unix:uid=N" or "127.0.0.1:PORT".
  std::string peer_address(int fd) const;

 private:
  // Closes the descriptor it holds when destroyed, also when the constructor throws half-way.
  struct OwnedFd {
    int fd = -1;
    OwnedFd() = default;
    explicit OwnedFd(int value) : fd(value) {}
    OwnedFd(const OwnedFd&) = delete;
    OwnedFd& operator=(const OwnedFd&) = delete;
    ~OwnedFd();
  };

  // One handed-over connection: its peer for logs and the socket its descriptor was.
  struct Admitted {
    std::string peer;
    dev_t device = 0;
    ino_t inode = 0;
  };

  void accept_loop();
  void admit(int fd);
  // Who is on the other end of `fd`, or nullopt when that peer is not allowed (logged here).
  std::optional<std::string> allowed_peer(int fd) const;
  // Under peers_mutex_: forgets connections whose descriptor gRPC has closed; returns how many are open.
  std::size_t open_connections();
  void log_refusal(const std::string& peer);

  bool unix_;
  std::vector<uid_t> allowed_uids_;  // Unix socket only
  std::size_t max_connections_;
  std::string address_;
  HandOver hand_over_;
  OwnedFd listen_fd_;
  OwnedFd wake_fd_;  // an eventfd that ends accept_loop
  transport::SocketFile socket_file_;  // Unix socket only
  std::thread thread_;

  mutable std::mutex peers_mutex_;
  std::unordered_map<int, Admitted> peers_;  // by descriptor

  // Refusals for the connection limit, logged a line per burst; touched by the accept thread only.
  std::optional<std::chrono::steady_clock::time_point> last_refusal_line_;
  std::size_t unlogged_refusals_ = 0;
};

}  // namespace cryftee::grpc_signer
