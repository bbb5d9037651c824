#pragma once
// The figures of one benchmark run and the table they are printed as.
#include <string>
#include <vector>

#include "daemon_process.h"
#include "latency.h"
#include "load_runner.h"
#include "paired_load.h"
#include "uds_http_client.h"

namespace cryftee::bench {

struct RawRow {
  unsigned threads = 0;
  Summary summary;
};

// The HTTP exchanges the socket floor copies the sizes of.
// BlsSigner: the sign exchange with the child signing with blst before it answers (a signer behind a Unix
// socket with nothing else: no HTTP, JSON, sandbox or custody).
enum class Exchange { BlsSign, BlsSigner, SelfRoute, ModuleEcho };
const char* exchange_name(Exchange exchange);

struct FloorRow {
  Exchange exchange = Exchange::BlsSign;
  ExchangeSize size;
  unsigned clients = 0;
  Summary summary;
  Fairness fairness;
  std::vector<SlicePair> pairs;  // BlsSigner only: its slices, each after raw signing (paired_load.h)
  double child_cpu_seconds = 0;   // BlsSigner only: the CPU its child used (user and kernel)
  double client_cpu_seconds = 0;  // BlsSigner only: the CPU the benchmark's clients used
};

// Requests that sign nothing (route_load.h): the trivial route and the module echo.
struct RouteRow {
  Exchange exchange = Exchange::SelfRoute;
  unsigned clients = 0;
  Summary summary;
  std::size_t failures = 0;
};

struct ApiRow {
  unsigned clients = 0;
  Summary summary;
  Fairness fairness;
  std::size_t failures = 0;
  unsigned raw_threads = 0;      // min(clients, cores): the raw signing this row is compared with
  std::vector<SlicePair> pairs;  // each slice of the row after raw signing on raw_threads (paired_load.h)
  ProcessCpu daemon_cpu;          // CPU the daemon used during the row (all its threads)
  double client_cpu_seconds = 0;  // CPU the benchmark's client threads used during the row
};

struct ColdStarts {
  std::vector<double> socket_ms;      // spawn -> the Unix socket accepts a connection
  std::vector<double> first_sign_ms;  // spawn -> first 200 with a valid signature (after one register)
};

struct Memory {
  std::size_t signs = 0;   // successful signs the measured daemon has answered in total
  long idle_rss_kib = 0;   // VmRSS right after start and key registration
  long rss_kib = 0;        // VmRSS after `signs` signs
  long peak_rss_kib = 0;   // VmHWM at the same moment
};

struct Report {
  unsigned cores = 0;
  double seconds = 0;
  std::string daemon;
  std::string load_before;  // /proc/loadavg when the run began and ended
  std::string load_after;
  std::size_t floor_rounds = 0;  // round trips per floor row, over all its clients
  std::vector<FloorRow> floor;
  std::vector<RouteRow> routes;
  std::vector<RawRow> raw;
  std::vector<ApiRow> api;
  std::vector<ApiRow> grpc;  // the same load through the gRPC signer (AvalancheGo's Signer.Sign)
  ColdStarts cold;
  Memory memory;
  std::size_t failures = 0;
  std::vector<std::string> failure_samples;
  std::size_t verified = 0;
};

void print_report(const Report& report);

}  // namespace cryftee::bench
