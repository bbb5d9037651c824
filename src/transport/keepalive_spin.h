#pragma once
// Keep-alive spin (--keepalive-spin-us): after writing an answer, the I/O thread that wrote it watches the
// same connection a short while for the client's next request, yielding the CPU between looks, before it
// goes back to the event loop. A client that sends its next request at once (cryftgo signing several in a
// row, the benchmark) then finds a thread awake and reading: nobody waits for a sleeping thread, or a
// halted virtual CPU, to be woken, and the same thread keeps serving the same connection, so the kernel
// keeps the two on one core. A client that does not send in time costs the window once, in yields that
// give way to anything else runnable, and is not spun for again until it sends at once (SpinHabit).
//
// It spins only while the server has no more connections open than I/O threads. With more, another
// connection's request may be waiting for a thread, and a spinning thread must not keep it waiting.
#include <atomic>
#include <chrono>
#include <cstddef>

namespace cryftee::transport {

class KeepAliveSpin {
 public:
  // `window` zero: never spin.
  KeepAliveSpin(std::chrono::microseconds window, unsigned io_threads) noexcept
      : window_(window), io_threads_(io_threads) {}
  KeepAliveSpin(const KeepAliveSpin&) = delete;
  KeepAliveSpin& operator=(const KeepAliveSpin&) = delete;

  // A connection served by this server's I/O threads opens or closes (any listener).
  void opened() noexcept { open_.fetch_add(1, std::memory_order_relaxed); }
  void closed() noexcept { open_.fetch_sub(1, std::memory_order_relaxed); }

  // How long the thread that has just answered may watch its connection now; zero: not at all.
  std::chrono::microseconds window() const noexcept {
    return open_.load(std::memory_order_relaxed) <= io_threads_ ? window_ : std::chrono::microseconds{0};
  }

 private:
  const std::chrono::microseconds window_;
  const std::size_t io_threads_;
  std::atomic<std::size_t> open_{0};
};

// One connection's habit: whether its next request is worth spinning for. A client whose next request
// did not come within a window is not spun for again until one comes within a window of its answer by
// way of the event loop, so a client that asks now and then costs one missed window, not one per request.
class SpinHabit {
 public:
  bool worth_spinning() const noexcept { return worth_; }
  // A spin ended: the request came in it, or not.
  void spun(bool request_came) noexcept { worth_ = request_came; }
  // A request came by way of the event loop `since_answer` after the last answer.
  void came_without_spin(std::chrono::steady_clock::duration since_answer, std::chrono::microseconds window) noexcept {
    if (since_answer <= window) worth_ = true;
  }

 private:
  bool worth_ = true;
};

// Reads what the stream socket `fd` has into `into` as soon as it has anything, looking until `window` has
// passed and yielding the CPU between looks. Returns the number of bytes read; 0 when nothing came in
// time, the peer has closed or the read failed, which the event loop's read that follows then sees and
// handles as it would have without the spin.
std::size_t spin_read(int fd, void* into, std::size_t capacity, std::chrono::microseconds window) noexcept;

}  // namespace cryftee::transport
