#pragma once
// The gRPC signer's Unix socket. gRPC's own "unix:" listener cannot say who connected, so this one accepts
// connections itself, admits a peer only when its uid (SO_PEERCRED) is in --allowed-peer-uids (when that
// list is set), exactly as the API socket does, and hands admitted connections to the gRPC server. A
// refused peer is logged and its connection closed before it can send a byte to gRPC. The socket file
// follows the API socket's rules (http/uds_path.h): a private directory, mode 0660, a stale socket
// replaced safely, removed on exit.
#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "http/uds_path.h"

namespace cryftee::grpc_signer {

class UnixListener {
 public:
  // Takes ownership of an admitted connection's file descriptor (non-blocking, close-on-exec).
  using HandOver = std::function<void(int fd)>;

  // Binds and listens; throws http::ListenerError naming the path and the problem.
  UnixListener(std::filesystem::path path, std::vector<uid_t> allowed_uids);
  ~UnixListener();
  UnixListener(const UnixListener&) = delete;
  UnixListener& operator=(const UnixListener&) = delete;

  // Starts accepting on a thread of its own.
  void start(HandOver hand_over);
  // Stops accepting and removes the socket file; connections already handed over are not touched.
  void stop();

  // "unix:uid=N" of the connection handed over as `fd` (which stays unique while it is open), for logs.
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

  void accept_loop();
  void admit(int fd);

  std::filesystem::path path_;
  std::vector<uid_t> allowed_uids_;
  HandOver hand_over_;
  OwnedFd listen_fd_;
  OwnedFd wake_fd_;  // an eventfd that ends accept_loop
  http::SocketFile socket_file_;
  std::thread thread_;

  mutable std::mutex peers_mutex_;
  std::unordered_map<int, std::string> peers_;
};

}  // namespace cryftee::grpc_signer
