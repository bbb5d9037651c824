#pragma once
// Concurrent clients, each on a connection of its own, each sending one request after the other until the
// plan is used up: the loop every throughput row of the benchmark runs (signing, routes, the socket floor).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "latency.h"

namespace cryftee::bench {

struct LoadPlan {
  unsigned clients = 1;
  Clock::duration duration = Clock::duration::max();
  std::size_t requests = 0;     // stop after this many requests in total; 0: only the duration counts
  std::uint64_t stream = 0;     // distinguishes the messages of one run from those of another
};

// How evenly the clients were served: the fewest and the most requests one client completed.
struct Fairness {
  std::size_t min_per_client = 0;
  std::size_t max_per_client = 0;
};

struct LoadResult {
  Summary summary;                      // successful requests only
  Fairness fairness;
  std::size_t failures = 0;             // answers that were wrong, and transport errors
  std::vector<std::string> failure_samples;
  std::size_t verified = 0;             // signatures verified after the run (signing rows only)
  double client_cpu_seconds = 0;        // CPU the benchmark process used while its clients ran
  double server_cpu_seconds = 0;        // CPU of the answering side where the benchmark runs it (socket floor)
  std::vector<Clock::duration> latencies;  // of the successful requests, in no order (kept to join slices)
  std::vector<std::size_t> per_client;     // successful requests of each client
};

// One client on one connection.
class LoadClient {
 public:
  virtual ~LoadClient() = default;
  // Sends request number `counter` of this client and reads its answer: nullopt when the answer is good,
  // or what is wrong with it. Throws std::runtime_error on a transport error; the runner then connects anew.
  virtual std::optional<std::string> request(std::uint64_t counter) = 0;
};
// Opens the connection of client `index` (0 .. clients-1); throws std::runtime_error when it cannot.
using LoadClientFactory = std::function<std::unique_ptr<LoadClient>(unsigned index)>;

// Each client connects before the clock starts; latency is from sending a request to holding its whole
// answer. A client whose connection fails connects anew and goes on; one that cannot connect stops.
LoadResult run_clients(const LoadClientFactory& connect, const LoadPlan& plan);

// Adds one failure to a result, keeping the first few messages.
void add_failure(LoadResult& result, std::string what);

// Adds a later measurement of the same number of clients to `total`: counts, latencies, wall time and CPU
// add up, and the summary and fairness are those of the two together.
void append_slice(LoadResult& total, LoadResult slice);

}  // namespace cryftee::bench
