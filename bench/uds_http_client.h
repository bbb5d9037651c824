#pragma once
// A minimal HTTP/1.1 client over a Unix socket: one keep-alive connection, one request at a time,
// Content-Length bodies only. Enough to drive the daemon's API without adding client-side weight.
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace cryftee::bench {

struct HttpResponse {
  int status = 0;
  std::string body;

  // The body, cut short enough to quote in a failure message.
  std::string shown_body() const {
    constexpr std::size_t kMaxShown = 200;
    return body.size() <= kMaxShown ? body : body.substr(0, kMaxShown) + "...";
  }
};

// Bytes on the wire of one request and its answer, heads included.
struct ExchangeSize {
  std::size_t request_bytes = 0;
  std::size_t response_bytes = 0;
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
  // Sends a GET without a body; otherwise as post_json.
  HttpResponse get(std::string_view target);
  // The size of the last completed exchange.
  ExchangeSize last_exchange() const noexcept { return last_exchange_; }

 private:
  // Sends request_ as it stands and reads the whole answer.
  HttpResponse exchange();
  void connect();
  void disconnect() noexcept;
  void send_all(std::string_view data);
  // Reads more bytes into buffer_; throws when the peer closed.
  void receive_some();

  std::filesystem::path socket_path_;
  int fd_ = -1;
  std::string request_;
  std::string buffer_;
  ExchangeSize last_exchange_;
};

}  // namespace cryftee::bench
