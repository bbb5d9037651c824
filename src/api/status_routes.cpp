#include "api/api_routes.h"
#include "api/status_report.h"
#include "util/time.h"
#include "api/json_response.h"

namespace cryftee::api {
namespace {

// The last reload attempt: when, whether it was applied, and why not; null before the first one.
nlohmann::json last_reload(const ApiContext& context) {
  const std::optional<runtime::ReloadAttempt> attempt = context.last_reload ? context.last_reload() : std::nullopt;
  if (!attempt) return nullptr;
  return {{"at", rfc3339_utc(attempt->at)},
          {"applied", attempt->applied},
          {"servingEpoch", attempt->serving_epoch},
          {"error", attempt->applied ? nlohmann::json(nullptr) : nlohmann::json(attempt->error)},
          {"message", attempt->applied ? nlohmann::json(nullptr) : nlohmann::json(attempt->message)}};
}

}  // namespace

void add_status_routes(Router& router, ApiContext& context) {
  router.add("GET", "/v1/staking/status", Access::ReadOnly, [&context](const Request&) {
    const std::shared_ptr<const runtime::Registry> registry = context.registry.current();
    const RuntimeFacts facts = context.runtime_facts ? context.runtime_facts() : RuntimeFacts{};
    nlohmann::json status = build_status(StatusFacts{
        .config = context.config,
        .registry = *registry,
        .attached = facts,
        .started_at = context.started_at,
        .now = std::chrono::system_clock::now(),
    });
    status["lastReload"] = last_reload(context);
    return json_response(status);
  });
}

}  // namespace cryftee::api
