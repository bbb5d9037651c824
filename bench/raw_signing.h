#pragma once
// The baseline: blst signing in this process, no daemon, no HTTP.
#include "crypto/bls.h"
#include "latency.h"

namespace cryftee::bench {

// Signs distinct 32-byte messages with the signature DST on `threads` threads for `duration`.
Summary measure_raw_signing(const bls::SecretKey& key, unsigned threads, Clock::duration duration);

}  // namespace cryftee::bench
