#include "load_runner.h"

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <latch>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "bench_limits.h"

namespace cryftee::bench {
namespace {

// Collects failures from all clients; keeps the first few messages.
class FailureLog {
 public:
  void add(std::string what) {
    std::lock_guard lock(mutex_);
    ++count_;
    if (samples_.size() < kMaxFailuresShown) samples_.push_back(std::move(what));
  }
  void move_into(LoadResult& result) {
    result.failures = count_;
    result.failure_samples = std::move(samples_);
  }

 private:
  std::mutex mutex_;
  std::size_t count_ = 0;
  std::vector<std::string> samples_;
};

// User and system CPU of this whole process so far.
double process_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

Fairness fairness_of(const std::vector<std::size_t>& per_client) {
  if (per_client.empty()) return {};
  const auto [fewest, most] = std::minmax_element(per_client.begin(), per_client.end());
  return {*fewest, *most};
}

}  // namespace

void add_failure(LoadResult& result, std::string what) {
  ++result.failures;
  if (result.failure_samples.size() < kMaxFailuresShown) result.failure_samples.push_back(std::move(what));
}

void append_slice(LoadResult& total, LoadResult slice) {
  const auto elapsed = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(total.summary.seconds + slice.summary.seconds));
  total.latencies.insert(total.latencies.end(), slice.latencies.begin(), slice.latencies.end());
  if (total.per_client.size() < slice.per_client.size()) total.per_client.resize(slice.per_client.size(), 0);
  for (std::size_t index = 0; index < slice.per_client.size(); ++index) total.per_client[index] += slice.per_client[index];
  total.summary = summarize(total.latencies, elapsed);
  total.fairness = fairness_of(total.per_client);
  for (auto& sample : slice.failure_samples) {
    if (total.failure_samples.size() < kMaxFailuresShown) total.failure_samples.push_back(std::move(sample));
  }
  total.failures += slice.failures;
  total.verified += slice.verified;
  total.client_cpu_seconds += slice.client_cpu_seconds;
  total.server_cpu_seconds += slice.server_cpu_seconds;
}

LoadResult run_clients(const LoadClientFactory& connect, const LoadPlan& plan) {
  std::vector<std::vector<Clock::duration>> latencies(plan.clients);
  FailureLog failures;
  std::atomic<std::size_t> issued{0};
  std::latch start(plan.clients + 1);
  Clock::time_point deadline;

  std::vector<std::jthread> clients;
  for (unsigned index = 0; index < plan.clients; ++index) {
    clients.emplace_back([&, index] {
      std::vector<Clock::duration>& mine = latencies[index];
      std::unique_ptr<LoadClient> client;
      try {
        client = connect(index);
      } catch (const std::exception& error) {
        failures.add(error.what());
      }
      start.arrive_and_wait();
      if (!client) return;
      for (std::uint64_t counter = 0;; ++counter) {
        if (plan.requests != 0 && issued.fetch_add(1, std::memory_order_relaxed) >= plan.requests) break;
        const auto before = Clock::now();
        if (before >= deadline) break;
        try {
          auto problem = client->request(counter);
          const auto latency = Clock::now() - before;
          if (problem) {
            failures.add(std::move(*problem));
            continue;
          }
          mine.push_back(latency);
        } catch (const std::exception& error) {
          // A peer that is gone fails the new connection too and ends this client here.
          failures.add(error.what());
          try {
            client = connect(index);
          } catch (const std::exception& reconnect_error) {
            failures.add(reconnect_error.what());
            return;
          }
        }
      }
    });
  }
  const auto began = Clock::now();
  deadline = plan.duration == Clock::duration::max() ? Clock::time_point::max() : began + plan.duration;
  const double cpu_before = process_cpu_seconds();
  start.arrive_and_wait();
  clients.clear();
  const auto elapsed = Clock::now() - began;
  const double client_cpu = process_cpu_seconds() - cpu_before;

  LoadResult result;
  for (const auto& mine : latencies) {
    result.latencies.insert(result.latencies.end(), mine.begin(), mine.end());
    result.per_client.push_back(mine.size());
  }
  result.summary = summarize(result.latencies, elapsed);
  result.fairness = fairness_of(result.per_client);
  result.client_cpu_seconds = client_cpu;
  failures.move_into(result);
  return result;
}

}  // namespace cryftee::bench
