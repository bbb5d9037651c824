#include "util/work_queue.h"

#include <algorithm>

namespace cryftee {

WorkQueue::WorkQueue(unsigned threads, std::size_t max_waiting)
    : max_waiting_(max_waiting) {
  threads_.reserve(std::max(1u, threads));
  for (unsigned i = 0; i < std::max(1u, threads); ++i) threads_.emplace_back([this] { work(); });
}

WorkQueue::~WorkQueue() { shut_down(); }

bool WorkQueue::try_submit(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || jobs_.size() >= max_waiting_) return false;
    jobs_.push_back(std::move(job));
  }
  wanted_.notify_one();
  return true;
}

void WorkQueue::shut_down() {
  std::deque<std::function<void()>> dropped;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    dropped.swap(jobs_);
  }
  wanted_.notify_all();
  dropped.clear();  // outside the lock: a job's captures may take locks of their own when destroyed
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

std::size_t WorkQueue::waiting() const {
  std::lock_guard lock(mutex_);
  return jobs_.size();
}

void WorkQueue::work() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      wanted_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

}  // namespace cryftee
