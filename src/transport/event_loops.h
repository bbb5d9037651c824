#pragma once
// The server's event loops: one asio io_context per I/O thread, each run by its own thread alone. A
// connection is placed on the loop with the fewest connections and stays there, so its handlers always
// run on one thread: no strand, no shared scheduler whose lock and wake-ups the threads would contend for
// (docs/benchmark.md, "The fast path").
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <atomic>
#include <cstddef>
#include <memory>
#include <thread>
#include <vector>

namespace cryftee::transport {

class EventLoops {
 public:
  using Executor = boost::asio::io_context::executor_type;

  // Counts a connection on its loop while it lives.
  class Seat {
   public:
    Seat() = default;
    explicit Seat(std::atomic<std::size_t>& count) : count_(&count) { count_->fetch_add(1, std::memory_order_relaxed); }
    ~Seat() {
      if (count_) count_->fetch_sub(1, std::memory_order_relaxed);
    }
    Seat(Seat&& other) noexcept : count_(other.count_) { other.count_ = nullptr; }
    Seat& operator=(Seat&&) = delete;
    Seat(const Seat&) = delete;

   private:
    std::atomic<std::size_t>* count_ = nullptr;
  };

  // `count` loops (at least one); none runs until run().
  explicit EventLoops(unsigned count);
  ~EventLoops();
  EventLoops(const EventLoops&) = delete;
  EventLoops& operator=(const EventLoops&) = delete;

  // The loop listeners, timers and the server's own work run on.
  boost::asio::io_context& first() { return loops_.front()->io; }
  // The loop with the fewest connections, for a new one.
  boost::asio::io_context& least_busy();
  Seat seat_on(const boost::asio::io_context& io);

  std::size_t size() const { return loops_.size(); }
  // Starts one thread per loop; each runs until stop().
  void run();
  // Stops every loop and joins its thread; handlers not yet run are dropped.
  void stop();

 private:
  struct Loop {
    std::atomic<std::size_t> connections{0};  // first: sessions destroyed with `io` still count down
    boost::asio::io_context io{1};            // one thread runs it
    boost::asio::executor_work_guard<Executor> keep_running{io.get_executor()};
  };
  Loop& loop_of(const boost::asio::io_context& io);

  std::vector<std::unique_ptr<Loop>> loops_;
  std::vector<std::thread> threads_;
};

}  // namespace cryftee::transport
