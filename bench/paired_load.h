#pragma once
// A signing row measured in slices, each right after raw signing on as many threads for as long. Every
// ratio then compares two figures the host gave within seconds of each other: a host that slows down for a
// few seconds disturbs one pair, not the row, and the row's figure is the median of its pairs.
#include <functional>
#include <vector>

#include "crypto/bls.h"
#include "latency.h"
#include "load_runner.h"

namespace cryftee::bench {

struct SlicePair {
  Summary raw;  // raw signing, measured first
  Summary api;  // the row's load, right after
};

struct PairedRow {
  LoadResult load;  // the row's slices together
  std::vector<SlicePair> pairs;
};

// Runs the row's load for one slice: the row's plan with its duration divided among the slices.
using SliceLoad = std::function<LoadResult(const LoadPlan&)>;

// `pairs` slices of plan.duration / pairs each: raw signing on `raw_threads` threads, then `load`.
PairedRow measure_paired(const SliceLoad& load, const LoadPlan& plan, unsigned pairs, const bls::SecretKey& raw_key,
                         unsigned raw_threads);

// The median over the pairs of api signs/s / raw signs/s, and its lowest and highest.
struct PairedRatio {
  double median = 0;
  double lowest = 0;
  double highest = 0;
};
PairedRatio paired_ratio(const std::vector<SlicePair>& pairs);
// The median over the pairs of api p50 - raw p50, and of raw p50 alone, in microseconds.
double median_p50_over_raw_us(const std::vector<SlicePair>& pairs);
double median_raw_p50_us(const std::vector<SlicePair>& pairs);
// Raw signs/s over all the pairs' raw slices together.
double raw_per_second(const std::vector<SlicePair>& pairs);

}  // namespace cryftee::bench
