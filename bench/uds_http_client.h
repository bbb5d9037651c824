#pragma once
// A minimal HTTP/1.1 client over a Unix socket: one keep-alive connection, one request at a time,
// Content-Length bodies only. Enough to drive the daemon's API without adding client-side weight.
#include <filesystem>
#include <string>
#include <string_view>

namespace cryftee::bench {

struct HttpResponse {
  int status = 0;
  std::string body;
};

class UdsHttpClient {
 public:
  // Connects at once; throws std::runtime_error when the socket does not accept.
  explicit UdsHttpClient(std::filesystem::path socket_path);
  UdsHttpClient(const UdsHttpClient&) = delete;
  UdsHttpClient& operator=(const UdsHttpClient&) = delete;
  ~UdsHttpClient();

  // Sends a JSON POST and reads the whole answer. Reconnects first when the previous answer closed the
  // connection. Throws std::runtime_error on a transport or framing error (the connection is then dropped).
  HttpResponse post_json(std::string_view target, std::string_view body);

 private:
  void connect();
  void disconnect() noexcept;
  void send_all(std::string_view data);
  // Reads more bytes into buffer_; throws when the peer closed.
  void receive_some();

  std::filesystem::path socket_path_;
  int fd_ = -1;
  std::string request_;
  std::string buffer_;
};

}  // namespace cryftee::bench
