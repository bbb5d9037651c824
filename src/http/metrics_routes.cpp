// GET /metrics: the Prometheus scrape (metrics/metrics.h), read-only, on the API and the kiosk listener.
// Facts with an owner elsewhere (the registry in use, Web3Signer's last health check) are read here, at
// scrape time, so the numbers are never older than the scrape.
#include "http/api_routes.h"
#include "metrics/metrics.h"

namespace cryftee::http {

void add_metrics_routes(Router& router, ApiContext& context) {
  router.add("GET", "/metrics", Access::ReadOnly, [&context](const Request&) -> Response {
    metrics::Metrics& metrics = metrics::process_metrics();
    const std::shared_ptr<const Registry> registry = context.registry.current();
    std::size_t loaded = 0;
    for (const ModuleRecord& record : registry->modules) loaded += record.status.loaded ? 1 : 0;
    metrics.set_registry(registry->epoch, loaded, registry->modules.size() - loaded);
    if (context.runtime_facts) {
      if (const auto web3signer = context.runtime_facts().web3signer) {
        metrics.set_web3signer_health(web3signer->reachable, web3signer->healthy);
      }
    }
    return Response{200, metrics::kContentType, metrics.render(), {}};
  });
}

}  // namespace cryftee::http
