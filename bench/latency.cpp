#include "latency.h"

#include <algorithm>
#include <cmath>

namespace cryftee::bench {
namespace {

// Nearest-rank percentile of sorted samples, in microseconds.
double percentile_us(const std::vector<Clock::duration>& sorted, double fraction) {
  if (sorted.empty()) return 0;
  const auto rank = static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(sorted.size())));
  const auto index = std::clamp<std::size_t>(rank, 1, sorted.size()) - 1;
  return std::chrono::duration<double, std::micro>(sorted[index]).count();
}

}  // namespace

Summary summarize(std::vector<Clock::duration> samples, Clock::duration elapsed) {
  std::sort(samples.begin(), samples.end());
  Summary summary;
  summary.count = samples.size();
  summary.seconds = std::chrono::duration<double>(elapsed).count();
  summary.per_second = summary.seconds > 0 ? static_cast<double>(summary.count) / summary.seconds : 0;
  summary.p50_us = percentile_us(samples, 0.50);
  summary.p99_us = percentile_us(samples, 0.99);
  return summary;
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto middle = values.size() / 2;
  return values.size() % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

}  // namespace cryftee::bench
