#include "transport/keepalive_spin.h"

#include <sched.h>
#include <sys/socket.h>

#include <cerrno>

namespace cryftee::transport {

std::size_t spin_read(int fd, void* into, std::size_t capacity, std::chrono::microseconds window) noexcept {
  const auto until = std::chrono::steady_clock::now() + window;
  for (;;) {
    const ssize_t got = ::recv(fd, into, capacity, MSG_DONTWAIT);
    if (got > 0) return static_cast<std::size_t>(got);
    // A close (0) is not consumed by looking, and an error is left to the read that follows.
    if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) return 0;
    if (std::chrono::steady_clock::now() >= until) return 0;
    ::sched_yield();
  }
}

}  // namespace cryftee::transport
