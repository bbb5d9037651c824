#include "socket_floor.h"

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace cryftee::bench {
namespace {

std::runtime_error system_error(const std::string& what) {
  return std::runtime_error(what + ": " + std::strerror(errno));
}

// Reads exactly size bytes into buffer; false when the peer closed first or on an error.
bool read_exactly(int fd, std::vector<char>& buffer, std::size_t size) {
  std::size_t have = 0;
  while (have < size) {
    const auto received = ::recv(fd, buffer.data() + have, size - have, 0);
    if (received > 0) {
      have += static_cast<std::size_t>(received);
    } else if (received == 0 || errno != EINTR) {
      return false;
    }
  }
  return true;
}

bool write_all(int fd, const std::vector<char>& data) {
  std::size_t sent_total = 0;
  while (sent_total < data.size()) {
    const auto sent = ::send(fd, data.data() + sent_total, data.size() - sent_total, MSG_NOSIGNAL);
    if (sent > 0) {
      sent_total += static_cast<std::size_t>(sent);
    } else if (sent < 0 && errno != EINTR) {
      return false;
    }
  }
  return true;
}

// The child: answers every request on every connection until the parent closes it, then exits.
[[noreturn]] void serve_echo(const std::vector<int>& fds, ExchangeSize size, const AnswerWork& work) {
  std::vector<std::thread> servers;
  for (const int fd : fds) {
    servers.emplace_back([fd, size, &work] {
      std::vector<char> request(size.request_bytes);
      const std::vector<char> response(size.response_bytes, 'x');
      while (read_exactly(fd, request, size.request_bytes)) {
        if (work) work();
        if (!write_all(fd, response)) break;
      }
      ::close(fd);
    });
  }
  for (auto& server : servers) server.join();
  ::_exit(0);
}

class FloorClient final : public LoadClient {
 public:
  FloorClient(int fd, ExchangeSize size)
      : fd_(fd), request_(size.request_bytes, 'q'), response_(size.response_bytes) {}
  FloorClient(const FloorClient&) = delete;
  FloorClient& operator=(const FloorClient&) = delete;
  ~FloorClient() override { ::close(fd_); }

  std::optional<std::string> request(std::uint64_t) override {
    if (!write_all(fd_, request_)) throw system_error("send to the echo child");
    if (!read_exactly(fd_, response_, response_.size())) throw std::runtime_error("the echo child closed the connection");
    return std::nullopt;
  }

 private:
  int fd_;
  std::vector<char> request_;
  std::vector<char> response_;
};

}  // namespace

LoadResult measure_socket_floor(ExchangeSize size, const LoadPlan& plan, const AnswerWork& work) {
  std::vector<int> ours(plan.clients, -1);
  std::vector<int> theirs(plan.clients, -1);
  const auto close_all = [](std::vector<int>& fds) {
    for (int& fd : fds) {
      if (fd >= 0) ::close(fd);
      fd = -1;
    }
  };
  for (unsigned index = 0; index < plan.clients; ++index) {
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
      auto error = system_error("socketpair");
      close_all(ours);
      close_all(theirs);
      throw error;
    }
    ours[index] = pair[0];
    theirs[index] = pair[1];
  }
  const pid_t child = ::fork();
  if (child < 0) {
    auto error = system_error("fork");
    close_all(ours);
    close_all(theirs);
    throw error;
  }
  if (child == 0) {
    close_all(ours);
    serve_echo(theirs, size, work);
  }
  close_all(theirs);

  // Each connection is handed out once: a client that loses it cannot connect again.
  LoadResult result = run_clients(
      [&](unsigned index) -> std::unique_ptr<LoadClient> {
        if (ours[index] < 0) throw std::runtime_error("the connection to the echo child is gone");
        auto client = std::make_unique<FloorClient>(ours[index], size);
        ours[index] = -1;
        return client;
      },
      plan);
  close_all(ours);  // any not handed out, so the child's threads all see the end

  int status = 0;
  rusage usage{};
  while (::wait4(child, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) add_failure(result, "the echo child did not exit cleanly");
  const auto seconds = [](const timeval& time) { return static_cast<double>(time.tv_sec) + time.tv_usec / 1e6; };
  result.server_cpu_seconds = seconds(usage.ru_utime) + seconds(usage.ru_stime);
  return result;
}

}  // namespace cryftee::bench
