// GET /metrics: the Prometheus scrape (metrics/metrics.h), read-only, on the API and the kiosk listener.
// Facts with an owner elsewhere (the registry in use, Web3Signer's last health check, the key store's
// records) are read here, at scrape time, so the numbers are never older than the scrape.
#include <map>
#include <utility>

#include "api/api_routes.h"
#include "custody/custody.h"
#include "metrics/metrics.h"

namespace cryftee::api {
namespace {

// The key store's records by kind and state, from the same view GET /v1/keys answers.
void set_key_store(metrics::Metrics& metrics, const Custody& custody) {
  const nlohmann::json store = custody.key_store_status(/*with_sealer_facts=*/false);
  std::map<std::pair<std::string, std::string>, std::size_t> counted;
  for (const nlohmann::json& key : store["keys"]) {
    ++counted[{key.value("kind", "unknown"), key.value("state", "damaged")}];
  }
  std::vector<metrics::KeyRecordCount> records;
  for (const auto& [labels, count] : counted) records.push_back({labels.first, labels.second, count});
  metrics.set_key_store(store["sealer"].get<std::string>(), store["durable"].get<bool>(), records);
}

}  // namespace

void add_metrics_routes(Router& router, ApiContext& context) {
  router.add("GET", "/metrics", Access::ReadOnly, [&context](const Request&) -> Response {
    metrics::Metrics& metrics = metrics::process_metrics();
    const std::shared_ptr<const runtime::Registry> registry = context.registry.current();
    std::size_t loaded = 0;
    for (const runtime::ModuleRecord& record : registry->modules) loaded += record.status.loaded ? 1 : 0;
    metrics.set_registry(registry->epoch, loaded, registry->modules.size() - loaded);
    if (context.runtime_facts) {
      if (const auto web3signer = context.runtime_facts().web3signer) {
        metrics.set_web3signer_health(web3signer->reachable, web3signer->healthy);
      }
    }
    set_key_store(metrics, context.custody);
    return Response{200, metrics::kContentType, metrics.render(), {}};
  });
}

}  // namespace cryftee::api
