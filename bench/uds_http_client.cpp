#include "uds_http_client.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <stdexcept>

#include "bench_limits.h"

namespace cryftee::bench {
namespace {

std::runtime_error system_error(const std::string& what) {
  return std::runtime_error(what + ": " + std::strerror(errno));
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

struct ResponseHead {
  int status = 0;
  std::size_t content_length = 0;
  bool close_after = false;
};

ResponseHead parse_head(std::string_view head) {
  ResponseHead parsed;
  const auto line_end = head.find("\r\n");
  const std::string_view status_line = head.substr(0, line_end);
  // "HTTP/1.1 200 OK"
  if (status_line.size() < 12 || !status_line.starts_with("HTTP/1.")) {
    throw std::runtime_error("not an HTTP/1.x status line: " + std::string(status_line));
  }
  const auto status_text = status_line.substr(9, 3);
  if (std::from_chars(status_text.data(), status_text.data() + 3, parsed.status).ec != std::errc{}) {
    throw std::runtime_error("bad status code in: " + std::string(status_line));
  }
  parsed.close_after = status_line.starts_with("HTTP/1.0");

  bool has_length = false;
  std::size_t position = line_end == std::string_view::npos ? head.size() : line_end + 2;
  while (position < head.size()) {
    auto end = head.find("\r\n", position);
    if (end == std::string_view::npos) end = head.size();
    const std::string_view line = head.substr(position, end - position);
    position = end + 2;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view name = trim(line.substr(0, colon));
    const std::string_view value = trim(line.substr(colon + 1));
    if (equals_ignoring_case(name, "content-length")) {
      if (std::from_chars(value.data(), value.data() + value.size(), parsed.content_length).ec != std::errc{}) {
        throw std::runtime_error("bad Content-Length: " + std::string(value));
      }
      has_length = true;
    } else if (equals_ignoring_case(name, "transfer-encoding")) {
      throw std::runtime_error("the answer uses Transfer-Encoding: " + std::string(value) +
                               "; this client reads Content-Length bodies only");
    } else if (equals_ignoring_case(name, "connection")) {
      parsed.close_after = equals_ignoring_case(value, "close");
    }
  }
  if (!has_length) throw std::runtime_error("the answer has no Content-Length");
  return parsed;
}

}  // namespace

UdsHttpClient::UdsHttpClient(std::filesystem::path socket_path) : socket_path_(std::move(socket_path)) { connect(); }

UdsHttpClient::~UdsHttpClient() { disconnect(); }

void UdsHttpClient::connect() {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const std::string& path = socket_path_.native();
  if (path.size() >= sizeof(address.sun_path)) throw std::runtime_error("socket path too long: " + path);
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);

  fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw system_error("socket");
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    auto error = system_error("connect " + path);
    disconnect();
    throw error;
  }
  buffer_.clear();
}

void UdsHttpClient::disconnect() noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void UdsHttpClient::send_all(std::string_view data) {
  while (!data.empty()) {
    const auto sent = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EINTR) continue;
      throw system_error("send");
    }
    data.remove_prefix(static_cast<std::size_t>(sent));
  }
}

void UdsHttpClient::receive_some() {
  char chunk[16 * 1024];
  for (;;) {
    const auto received = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (received > 0) {
      buffer_.append(chunk, static_cast<std::size_t>(received));
      return;
    }
    if (received == 0) throw std::runtime_error("the daemon closed the connection before answering");
    if (errno != EINTR) throw system_error("recv");
  }
}

HttpResponse UdsHttpClient::post_json(std::string_view target, std::string_view body) {
  request_.clear();
  request_.append("POST ").append(target).append(" HTTP/1.1\r\nHost: localhost\r\n");
  request_.append("Content-Type: application/json\r\nContent-Length: ");
  request_.append(std::to_string(body.size())).append("\r\n\r\n").append(body);
  return exchange();
}

HttpResponse UdsHttpClient::get(std::string_view target) {
  request_.clear();
  request_.append("GET ").append(target).append(" HTTP/1.1\r\nHost: localhost\r\n\r\n");
  return exchange();
}

HttpResponse UdsHttpClient::exchange() {
  if (fd_ < 0) connect();
  try {
    send_all(request_);

    std::size_t head_end;
    while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (buffer_.size() > kMaxResponseHeadBytes) throw std::runtime_error("response head too large");
      receive_some();
    }
    const ResponseHead head = parse_head(std::string_view(buffer_).substr(0, head_end));
    const std::size_t body_start = head_end + 4;
    while (buffer_.size() < body_start + head.content_length) receive_some();

    HttpResponse response{head.status, buffer_.substr(body_start, head.content_length)};
    buffer_.erase(0, body_start + head.content_length);
    last_exchange_ = {request_.size(), body_start + head.content_length};
    if (head.close_after) disconnect();
    return response;
  } catch (...) {
    disconnect();
    throw;
  }
}

}  // namespace cryftee::bench
