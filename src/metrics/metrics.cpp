#include "metrics/metrics.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <array>
#include <initializer_list>
#include <chrono>
#include <mutex>
#include <set>
#include <sstream>
#include <unordered_map>

#include "version.h"

namespace cryftee::metrics {
namespace {

using prometheus::Counter;
using prometheus::Family;
using prometheus::Gauge;
using prometheus::Histogram;

// From 100 µs (a status read) to 10 s (the default request timeout).
const Histogram::BucketBoundaries kLatencyBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                     0.025,  0.05,    0.1,    0.25,  0.5,    1,     2.5,  5, 10};

// A client chooses the method token, so anything unusual is counted as "other" to bound the label.
std::string_view method_label(std::string_view method) {
  static constexpr std::array<std::string_view, 7> kKnown = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"};
  for (std::string_view known : kKnown) {
    if (method == known) return known;
  }
  return "other";
}

// Family::Add finds a label set under the family's lock in a map built from strings on every call. The
// hot paths (one request, one signature, one module call) look their metric up here instead: one key
// string, one hash lookup, and Add only the first time a label set is seen.
template <typename T>
class LabelCache {
 public:
  template <typename... Extra>
  T& get(prometheus::Family<T>& family, std::initializer_list<std::pair<const char*, std::string_view>> labels,
         const Extra&... extra) {
    std::string key;
    for (const auto& [name, value] : labels) key.append(value).append(1, '\n');
    std::lock_guard lock(mutex_);
    auto [slot, added] = metrics_.try_emplace(std::move(key), nullptr);
    if (added) {
      prometheus::Labels named;
      for (const auto& [name, value] : labels) named.emplace(name, std::string(value));
      slot->second = &family.Add(named, extra...);
    }
    return *slot->second;
  }

 private:
  std::mutex mutex_;
  std::unordered_map<std::string, T*> metrics_;
};

}  // namespace

class Metrics::Impl {
 public:
  Impl()
      : registry_(std::make_shared<prometheus::Registry>()),
        requests_(prometheus::BuildCounter()
                      .Name("cryftee_http_requests_total")
                      .Help("HTTP requests answered, by listener, method, route pattern and status")
                      .Register(*registry_)),
        latency_(prometheus::BuildHistogram()
                     .Name("cryftee_http_request_duration_seconds")
                     .Help("Time from a request's headers to its answer, by listener and route pattern")
                     .Register(*registry_)),
        signatures_(prometheus::BuildCounter()
                        .Name("cryftee_signatures_total")
                        .Help("Signatures made by key custody, by key type, DST and the module that asked")
                        .Register(*registry_)),
        module_calls_(prometheus::BuildCounter()
                          .Name("cryftee_module_calls_total")
                          .Help("Module operations run, by module")
                          .Register(*registry_)),
        module_failures_(prometheus::BuildCounter()
                             .Name("cryftee_module_call_failures_total")
                             .Help("Module operations that faulted, by module and reason")
                             .Register(*registry_)),
        keepalive_spins_(prometheus::BuildCounter()
                             .Name("cryftee_keepalive_spins_total")
                             .Help("Times an I/O thread watched an answered keep-alive connection for its next "
                                   "request, by outcome (request: it came in the window; none: it did not)")
                             .Register(*registry_)),
        spin_found_(keepalive_spins_.Add({{"outcome", "request"}})),
        spin_missed_(keepalive_spins_.Add({{"outcome", "none"}})),
        epoch_(prometheus::BuildGauge()
                   .Name("cryftee_registry_epoch")
                   .Help("Epoch of the module registry in use; each successful reload adds one")
                   .Register(*registry_)
                   .Add({})),
        modules_(prometheus::BuildGauge()
                     .Name("cryftee_modules")
                     .Help("Manifest entries in the registry in use, by state")
                     .Register(*registry_)),
        reloads_(prometheus::BuildCounter()
                     .Name("cryftee_registry_reloads_total")
                     .Help("Module registry reloads, by result")
                     .Register(*registry_)),
        web3signer_(prometheus::BuildGauge()
                        .Name("cryftee_web3signer_up")
                        .Help("1 when Web3Signer answered its last health check (check=reachable) and said UP "
                              "(check=healthy); present only when Web3Signer custody is enabled")
                        .Register(*registry_)),
        key_store_(prometheus::BuildGauge()
                       .Name("cryftee_key_store_info")
                       .Help("Always 1; sealer names how key records are sealed (none: keys live in memory "
                             "only), durable whether keys survive a restart")
                       .Register(*registry_)),
        key_records_(prometheus::BuildGauge()
                         .Name("cryftee_key_store_records")
                         .Help("Records in the sealed key store, by key kind and state (loaded, unusable: "
                               "cannot be unsealed here, damaged: cannot be read)")
                         .Register(*registry_)) {
    prometheus::BuildGauge()
        .Name("cryftee_build_info")
        .Help("Always 1; the labels name this build")
        .Register(*registry_)
        .Add({{"version", kCryfteeVersion}, {"module_abi", std::to_string(kAbiVersion)}})
        .Set(1);
    prometheus::BuildGauge()
        .Name("cryftee_start_time_seconds")
        .Help("When this process started, in seconds since the Unix epoch")
        .Register(*registry_)
        .Add({})
        .Set(std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count());
    modules_.Add({{"state", "loaded"}});
    modules_.Add({{"state", "not_loaded"}});
    reloads_.Add({{"result", "succeeded"}});
    reloads_.Add({{"result", "failed"}});
    // Every kind and state a record can have reads 0 until counted, so an alert on unusable records has a
    // series to watch from the first scrape.
    for (const char* kind : {"bls", "tls", "attestation"}) {
      for (const char* state : {"loaded", "unusable", "damaged"}) key_record_labels_.emplace(kind, state);
    }
    for (const auto& [kind, state] : key_record_labels_) key_records_.Add({{"kind", kind}, {"state", state}});
  }

  void observe_request(std::string_view listener, std::string_view method, std::string_view route, int status,
                       double seconds) {
    const std::string status_text = std::to_string(status);
    request_counters_
        .get(requests_, {{"listener", listener}, {"method", method_label(method)}, {"route", route}, {"status", status_text}})
        .Increment();
    latency_histograms_.get(latency_, {{"listener", listener}, {"route", route}}, kLatencyBuckets).Observe(seconds);
  }

  void count_signature(std::string_view key_type, std::string_view dst, std::string_view module) {
    signature_counters_.get(signatures_, {{"key_type", key_type}, {"dst", dst}, {"module", module}}).Increment();
  }

  void count_module_call(std::string_view module) { module_call_counters_.get(module_calls_, {{"module", module}}).Increment(); }

  void count_module_failure(std::string_view module, std::string_view reason) {
    module_failures_.Add({{"module", std::string(module)}, {"reason", std::string(reason)}}).Increment();
  }

  void set_registry(std::uint64_t epoch, std::size_t loaded, std::size_t not_loaded) {
    epoch_.Set(static_cast<double>(epoch));
    modules_.Add({{"state", "loaded"}}).Set(static_cast<double>(loaded));
    modules_.Add({{"state", "not_loaded"}}).Set(static_cast<double>(not_loaded));
  }

  void count_keepalive_spin(bool request_came) { (request_came ? spin_found_ : spin_missed_).Increment(); }

  void count_reload(bool succeeded) { reloads_.Add({{"result", succeeded ? "succeeded" : "failed"}}).Increment(); }

  void set_web3signer_health(bool reachable, bool healthy) {
    web3signer_.Add({{"check", "reachable"}}).Set(reachable ? 1 : 0);
    web3signer_.Add({{"check", "healthy"}}).Set(healthy ? 1 : 0);
  }

  void set_key_store(std::string_view sealer, bool durable, const std::vector<KeyRecordCount>& records) {
    std::lock_guard lock(key_store_mutex_);
    key_store_.Add({{"sealer", std::string(sealer)}, {"durable", durable ? "true" : "false"}}).Set(1);
    for (const auto& [kind, state] : key_record_labels_) key_records_.Add({{"kind", kind}, {"state", state}}).Set(0);
    for (const KeyRecordCount& count : records) {
      key_record_labels_.emplace(count.kind, count.state);
      key_records_.Add({{"kind", count.kind}, {"state", count.state}}).Increment(static_cast<double>(count.count));
    }
  }

  std::string render() const {
    std::ostringstream out;
    prometheus::TextSerializer().Serialize(out, registry_->Collect());
    return out.str();
  }

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  Family<Counter>& requests_;
  Family<Histogram>& latency_;
  Family<Counter>& signatures_;
  Family<Counter>& module_calls_;
  Family<Counter>& module_failures_;
  Family<Counter>& keepalive_spins_;
  Counter& spin_found_;   // both series are kept, so they read 0 before the first spin
  Counter& spin_missed_;
  Gauge& epoch_;
  Family<Gauge>& modules_;
  Family<Counter>& reloads_;
  Family<Gauge>& web3signer_;
  Family<Gauge>& key_store_;
  Family<Gauge>& key_records_;
  std::mutex key_store_mutex_;  // two scrapes at once do not mix their counts
  std::set<std::pair<std::string, std::string>> key_record_labels_;  // (kind, state) of every series shown

  LabelCache<Counter> request_counters_;
  LabelCache<Histogram> latency_histograms_;
  LabelCache<Counter> signature_counters_;
  LabelCache<Counter> module_call_counters_;
};

Metrics::Metrics() : impl_(std::make_unique<Impl>()) {}
Metrics::~Metrics() = default;

void Metrics::observe_request(std::string_view listener, std::string_view method, std::string_view route, int status,
                              double seconds) {
  impl_->observe_request(listener, method, route, status, seconds);
}
void Metrics::count_signature(std::string_view key_type, std::string_view dst, std::string_view module) {
  impl_->count_signature(key_type, dst, module);
}
void Metrics::count_module_call(std::string_view module) { impl_->count_module_call(module); }
void Metrics::count_module_failure(std::string_view module, std::string_view reason) {
  impl_->count_module_failure(module, reason);
}
void Metrics::set_registry(std::uint64_t epoch, std::size_t loaded, std::size_t not_loaded) {
  impl_->set_registry(epoch, loaded, not_loaded);
}
void Metrics::count_keepalive_spin(bool request_came) { impl_->count_keepalive_spin(request_came); }
void Metrics::count_reload(bool succeeded) { impl_->count_reload(succeeded); }
void Metrics::set_web3signer_health(bool reachable, bool healthy) { impl_->set_web3signer_health(reachable, healthy); }
void Metrics::set_key_store(std::string_view sealer, bool durable, const std::vector<KeyRecordCount>& records) {
  impl_->set_key_store(sealer, durable, records);
}
std::string Metrics::render() const { return impl_->render(); }

Metrics& process_metrics() {
  static Metrics metrics;
  return metrics;
}

}  // namespace cryftee::metrics
