#include "transport/event_loops.h"

#include <algorithm>
#include <stdexcept>

namespace cryftee::transport {

EventLoops::EventLoops(unsigned count) {
  loops_.reserve(std::max(1u, count));
  for (unsigned i = 0; i < std::max(1u, count); ++i) loops_.push_back(std::make_unique<Loop>());
}

EventLoops::~EventLoops() { stop(); }

boost::asio::io_context& EventLoops::least_busy() {
  Loop* chosen = loops_.front().get();
  for (const auto& loop : loops_) {
    if (loop->connections.load(std::memory_order_relaxed) < chosen->connections.load(std::memory_order_relaxed)) {
      chosen = loop.get();
    }
  }
  return chosen->io;
}

EventLoops::Loop& EventLoops::loop_of(const boost::asio::io_context& io) {
  for (const auto& loop : loops_) {
    if (&loop->io == &io) return *loop;
  }
  throw std::logic_error("the io_context is not one of the server's loops");
}

EventLoops::Seat EventLoops::seat_on(const boost::asio::io_context& io) { return Seat(loop_of(io).connections); }

void EventLoops::run() {
  for (const auto& loop : loops_) threads_.emplace_back([&io = loop->io] { io.run(); });
}

void EventLoops::stop() {
  for (const auto& loop : loops_) {
    loop->keep_running.reset();
    loop->io.stop();
  }
  for (auto& thread : threads_) thread.join();
  threads_.clear();
}

}  // namespace cryftee::transport
