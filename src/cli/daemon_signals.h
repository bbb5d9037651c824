#pragma once
// The daemon's signals, taken by one thread of their own through a signalfd, so they are acted on even
// when every I/O thread is busy (a key derivation, a module in a long call):
//   SIGINT, SIGTERM  stop: `stop` is called once; if the process has not finished within `deadline`
//                    (work that does not end), `force_exit` is called, which must not return.
//   SIGHUP           `reload`, as operators expect of a daemon; further SIGHUPs during one reload coalesce.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace cryftee::cli {

struct SignalActions {
  std::function<void()> stop;
  std::function<void()> reload;
  std::function<void()> force_exit;
};

class DaemonSignals {
 public:
  // Blocks SIGINT, SIGTERM and SIGHUP in the calling thread and so in every thread it starts later: call
  // it first thing, before any thread exists, or a thread could still take a signal's default action.
  static void block_in_this_thread();

  DaemonSignals(SignalActions actions, std::chrono::milliseconds deadline);
  // Ends the watcher: the process has finished its orderly stop (or never started serving).
  ~DaemonSignals();
  DaemonSignals(const DaemonSignals&) = delete;
  DaemonSignals& operator=(const DaemonSignals&) = delete;

 private:
  void watch();
  void wait_for_orderly_stop();

  SignalActions actions_;
  const std::chrono::milliseconds deadline_;
  int signal_fd_ = -1;
  int wake_fd_ = -1;  // eventfd: the destructor's "finished"
  std::mutex mutex_;
  std::condition_variable finished_changed_;
  bool finished_ = false;
  std::thread watcher_;
};

}  // namespace cryftee::cli
