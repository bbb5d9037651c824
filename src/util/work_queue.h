#pragma once
// A small pool of threads for work that must not run on the I/O threads (key derivation: seconds of CPU
// per keystore), with a bound on how many jobs may wait. A full queue is the caller's to refuse (503),
// so a flood of expensive requests costs queue slots, never the threads that answer everything else.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace cryftee {

class WorkQueue {
 public:
  // `threads` workers (at least one) take jobs in order; at most `max_waiting` jobs wait for one.
  WorkQueue(unsigned threads, std::size_t max_waiting);
  // Same as shut_down().
  ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  // Queues `job`; false (and the job is not kept) when max_waiting jobs are already waiting or the queue
  // is shut down. A job must not throw.
  bool try_submit(std::function<void()> job);

  // Drops the jobs that have not started and waits for the running ones. Safe to call twice.
  void shut_down();

  std::size_t waiting() const;

 private:
  void work();

  const std::size_t max_waiting_;
  mutable std::mutex mutex_;
  std::condition_variable wanted_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace cryftee
