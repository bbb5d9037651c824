#pragma once
// Requests through the daemon that sign nothing, to see what the request path itself costs:
//   - the trivial route, GET /v1/runtime/self (HTTP, router, a small JSON answer; no module);
//   - the test module debug_v1's echo, POST /v1/modules/call (the same plus a V8 round trip; no crypto).
// The echo needs a daemon started with the test bundle (build/test-modules), which adds debug_v1.
#include <filesystem>

#include "load_runner.h"
#include "uds_http_client.h"

namespace cryftee::bench {

// One request of each kind on a fresh connection, checked as under load; throws std::runtime_error with
// what is wrong. Returns the size of the exchange, for the socket floor of the same size.
ExchangeSize probe_self_route(const std::filesystem::path& socket_path);
ExchangeSize probe_module_echo(const std::filesystem::path& socket_path);

// run_clients (load_runner.h) sending GET /v1/runtime/self; an answer counts when it is 200 with
// "healthy": true.
LoadResult run_self_load(const std::filesystem::path& socket_path, const LoadPlan& plan);
// run_clients sending debug_echo with {"n": counter}; an answer counts when it is 200 from debug_v1 and
// echoes that counter back.
LoadResult run_echo_load(const std::filesystem::path& socket_path, const LoadPlan& plan);

}  // namespace cryftee::bench
