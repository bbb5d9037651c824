#pragma once
// Throughput and latency percentiles of one measurement.
#include <chrono>
#include <cstddef>
#include <vector>

namespace cryftee::bench {

using Clock = std::chrono::steady_clock;

struct Summary {
  std::size_t count = 0;       // successful operations
  double seconds = 0;          // wall time of the measurement
  double per_second = 0;       // count / seconds
  double p50_us = 0;
  double p99_us = 0;
};

// Sorts the samples (one per successful operation) and summarises them over the elapsed wall time.
Summary summarize(std::vector<Clock::duration> samples, Clock::duration elapsed);

// The median of a few figures (e.g. cold starts); 0 when there are none.
double median(std::vector<double> values);

}  // namespace cryftee::bench
