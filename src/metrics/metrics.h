#pragma once
// The daemon's Prometheus metrics (docs/operations.md lists them with example alerts), served by GET
// /metrics on the API and the kiosk listener. Like the logger, there is one set per process
// (process_metrics()), so the layer that knows a fact records it where it happens: the session records
// each answer, the custody imports each signature, the dispatcher each module fault. Facts that already
// have an owner (the registry, Web3Signer's health) are read when a scrape asks (api/metrics_routes.cpp).
//
// Labels carry only bounded, public values: listener names, route patterns (never the raw path), HTTP
// methods and statuses, key types, DST names, module ids from the signed manifest and failure kinds. No
// key handle, public key, message or peer ever becomes a label. Every method is thread-safe.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace cryftee::metrics {

// How many key store records of one kind are in one state.
struct KeyRecordCount {
  std::string kind;   // "bls" | "tls" | "attestation", "unknown" for a record too damaged to say
  std::string state;  // "loaded" | "unusable" | "damaged" (key_store::state_name)
  std::size_t count = 0;
};

// Route label of a request no route matched, or that was refused before routing (413, 431, bad HTTP).
inline constexpr std::string_view kUnmatchedRoute = "unmatched";

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // One answered request: listener "uds" | "https" | "kiosk" | "grpc_signer"; route the pattern that
  // answered (for gRPC the RPC's full method name, "/signer.Signer/Sign").
  void observe_request(std::string_view listener, std::string_view method, std::string_view route, int status,
                       double seconds);
  // One signature made by custody: key_type "bls" | "tls"; dst "sig" | "pop" for BLS, "none" for TLS.
  void count_signature(std::string_view key_type, std::string_view dst, std::string_view module);
  // One module call and, when it faulted, why: "trap", "timeout", "out_of_memory", "bad_response".
  void count_module_call(std::string_view module);
  void count_module_failure(std::string_view module, std::string_view reason);
  // One keep-alive spin (transport/keepalive_spin.h): whether the next request came within the window.
  void count_keepalive_spin(bool request_came);
  // Registry facts, set at scrape time by whoever owns the registry.
  void set_registry(std::uint64_t epoch, std::size_t loaded, std::size_t not_loaded);
  void count_reload(bool succeeded);
  // Web3Signer's last health check; only set when Web3Signer custody is enabled.
  void set_web3signer_health(bool reachable, bool healthy);
  // The key store, set at scrape time: the sealer's kind ("none" without a store), whether keys survive
  // a restart, and the records counted by kind and state. A kind and state not in `records` reads 0.
  void set_key_store(std::string_view sealer, bool durable, const std::vector<KeyRecordCount>& records);

  // Prometheus text exposition format 0.0.4.
  std::string render() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// The process's metrics.
Metrics& process_metrics();

// Content-Type of render()'s output.
inline constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace cryftee::metrics
