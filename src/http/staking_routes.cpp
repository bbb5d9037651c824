// The staking routes. Module code cannot run in this daemon yet, so each route checks its request and
// answers 503 naming the capability no module can provide.
#include <algorithm>

#include "http/api_routes.h"
#include "http/json_body.h"
#include "util/error.h"

namespace cryftee::http {
namespace {

struct StakingRoute {
  const char* path;
  const char* capability;
  const char* family;
};

constexpr StakingRoute kStakingRoutes[] = {
    {"/v1/staking/bls/register", "bls_register", "bls"},
    {"/v1/staking/bls/sign", "bls_sign", "bls"},
    {"/v1/staking/tls/register", "tls_register", "tls"},
    {"/v1/staking/tls/sign", "tls_sign", "tls"},
};

bool declares(const ModuleRecord& record, const std::string& capability) {
  const auto& capabilities = record.entry.capabilities;
  return std::find(capabilities.begin(), capabilities.end(), capability) != capabilities.end();
}

Error no_module(const Registry& registry, const StakingRoute& route) {
  const ModuleRecord* module = registry.default_for(route.family);
  if (module && declares(*module, route.capability)) {
    return unavailable(std::string("no module provides ") + route.capability + " here: module '" + module->entry.id +
                           "' declares it, but no WebAssembly engine is attached to this daemon to run it",
                       "no_module");
  }
  return unavailable(std::string("no module provides ") + route.capability +
                         ": load a trusted module that declares it and is the default for '" + route.family +
                         "' (GET /v1/staking/status lists every module and why it did not load)",
                     "no_module");
}

}  // namespace

void add_staking_routes(Router& router, ApiContext& context) {
  for (const StakingRoute& route : kStakingRoutes) {
    router.add("POST", route.path, Access::Staking, [&context, &route](const Request& request) -> Response {
      json_object_body(request);
      throw no_module(*context.registry.current(), route);
    });
  }
}

}  // namespace cryftee::http
