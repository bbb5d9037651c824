#include "paired_load.h"

#include <algorithm>

#include "raw_signing.h"

namespace cryftee::bench {

PairedRow measure_paired(const SliceLoad& load, const LoadPlan& plan, unsigned pairs, const bls::SecretKey& raw_key,
                         unsigned raw_threads) {
  pairs = std::max(1u, pairs);
  LoadPlan slice = plan;
  slice.duration = plan.duration / pairs;
  PairedRow row;
  for (unsigned index = 0; index < pairs; ++index) {
    const Summary raw = measure_raw_signing(raw_key, raw_threads, slice.duration);
    LoadResult api = load(slice);
    row.pairs.push_back({raw, api.summary});
    if (index == 0) row.load = std::move(api);
    else append_slice(row.load, std::move(api));
  }
  return row;
}

PairedRatio paired_ratio(const std::vector<SlicePair>& pairs) {
  std::vector<double> ratios;
  for (const auto& pair : pairs) {
    if (pair.raw.per_second > 0) ratios.push_back(pair.api.per_second / pair.raw.per_second);
  }
  if (ratios.empty()) return {};
  const auto [lowest, highest] = std::minmax_element(ratios.begin(), ratios.end());
  return {median(ratios), *lowest, *highest};
}

double median_p50_over_raw_us(const std::vector<SlicePair>& pairs) {
  std::vector<double> overheads;
  for (const auto& pair : pairs) overheads.push_back(pair.api.p50_us - pair.raw.p50_us);
  return median(overheads);
}

double median_raw_p50_us(const std::vector<SlicePair>& pairs) {
  std::vector<double> p50s;
  for (const auto& pair : pairs) p50s.push_back(pair.raw.p50_us);
  return median(p50s);
}

double raw_per_second(const std::vector<SlicePair>& pairs) {
  double count = 0;
  double seconds = 0;
  for (const auto& pair : pairs) {
    count += static_cast<double>(pair.raw.count);
    seconds += pair.raw.seconds;
  }
  return seconds > 0 ? count / seconds : 0;
}

}  // namespace cryftee::bench
