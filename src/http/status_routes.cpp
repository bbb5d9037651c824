#include "http/api_routes.h"
#include "http/status_report.h"

namespace cryftee::http {

void add_status_routes(Router& router, ApiContext& context) {
  router.add("GET", "/v1/staking/status", Access::ReadOnly, [&context](const Request&) {
    const std::shared_ptr<const Registry> registry = context.registry.current();
    const RuntimeFacts facts = context.runtime_facts ? context.runtime_facts() : RuntimeFacts{};
    return Response::json(build_status(StatusFacts{
        .config = context.config,
        .registry = *registry,
        .attached = facts,
        .started_at = context.started_at,
        .now = std::chrono::system_clock::now(),
    }));
  });
}

}  // namespace cryftee::http
