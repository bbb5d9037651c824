#pragma once
// The safety rules for the API's Unix socket file: it lives in a directory only its owner may write,
// an existing socket is replaced only when nobody answers on it, the new socket gets mode 0660, and on
// exit the daemon removes the socket it created (and nothing else).
#include <sys/types.h>

#include <filesystem>

namespace cryftee::transport {

// Creates the parent directory (mode 0750) when missing; throws ListenerError when it is group- or
// world-writable (unless sticky and owned by this user), when the path is taken by something that is not
// a socket, or when a live daemon answers on it. Removes a stale socket nobody answers on.
void prepare_socket_path(const std::filesystem::path& socket_path);

// Identifies the socket file this process bound, so removal never deletes a successor's socket.
class SocketFile {
 public:
  SocketFile() = default;
  // Sets `mode` on the freshly bound socket and remembers its identity; throws ListenerError on failure.
  SocketFile(std::filesystem::path path, unsigned mode);
  SocketFile(SocketFile&& other) noexcept;
  SocketFile& operator=(SocketFile&& other) noexcept;
  SocketFile(const SocketFile&) = delete;
  SocketFile& operator=(const SocketFile&) = delete;
  ~SocketFile();

  // Unlinks the socket if the path still names the file this process created. Safe to call twice.
  void remove() noexcept;

 private:
  std::filesystem::path path_;
  dev_t device_ = 0;
  ino_t inode_ = 0;
  bool owned_ = false;
};

}  // namespace cryftee::transport
