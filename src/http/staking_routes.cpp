// The staking routes (and the generic module call route): each request goes to the module that is the
// default for its capability family, runs there under its limits, and comes back with moduleId and
// moduleVersion added. Secret-bearing fields of register requests are taken out first
// (register_secrets.h): the module sees only the keyHandle of what was imported. Register answers also say
// where the key lives (custody, durable, sealer, web3signerCopy), from custody itself rather than from the
// module, so a module cannot claim a durability it does not have.
#include <algorithm>

#include "custody/durable_custody.h"
#include "custody/web3signer_custody.h"
#include "http/api_routes.h"
#include "http/bls_sign_request.h"
#include "http/json_body.h"
#include "http/register_secrets.h"
#include "runtime/dispatch.h"
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

const ModuleRecord& module_for(const Registry& registry, const StakingRoute& route) {
  const ModuleRecord* module = registry.default_for(route.family);
  if (module == nullptr || !declares(*module, route.capability)) {
    throw unavailable(std::string("no module provides ") + route.capability +
                          ": load a trusted module that declares it and is the default for '" + route.family +
                          "' (GET /v1/staking/status lists every module and why it did not load)",
                      "no_module");
  }
  return *module;
}

runtime::Dispatcher& dispatcher(ApiContext& context) {
  if (context.dispatcher == nullptr || context.custody == nullptr) {
    throw unavailable("no module runtime is attached to this daemon, so no module can run", "no_runtime");
  }
  return *context.dispatcher;
}

Response answer(nlohmann::json response, const ModuleRecord& module, std::string_view operation, ApiContext& context) {
  if (operation.ends_with("_register") && response.is_object() && response.contains("keyHandle") &&
      response["keyHandle"].is_string()) {
    const std::string handle = response["keyHandle"].get<std::string>();
    const bool in_web3signer = context.web3signer != nullptr && context.web3signer->known(handle).has_value();
    response.update(context.custody->key_facts(handle, in_web3signer));
  }
  response["moduleId"] = module.entry.id;
  response["moduleVersion"] = module.entry.version;
  return Response::json(response);
}

}  // namespace

void add_staking_routes(Router& router, ApiContext& context) {
  for (const StakingRoute& route : kStakingRoutes) {
    router.add("POST", route.path, Access::Staking, [&context, &route](const Request& request) -> Response {
      nlohmann::json body = json_object_body(request);
      runtime::Dispatcher& runtime = dispatcher(context);
      const std::shared_ptr<const Registry> registry = context.registry.current();  // kept until we answer
      const ModuleRecord& module = module_for(*registry, route);
      if (std::string_view(route.capability).ends_with("_register")) {
        take_register_secrets(route.capability, body, *context.custody);
      }
      if (std::string_view(route.capability) == "bls_sign") settle_bls_sign_dst(body);
      return answer(runtime.call(module, route.capability, body), module, route.capability, context);
    });
  }

  // Any loaded module's declared operation: {"moduleId", "operation", "request": {...}}. Used for modules
  // that are not the default for a family (debug_v1) and by operators' tools.
  router.add("POST", "/v1/modules/call", Access::Staking, [&context](const Request& request) -> Response {
    nlohmann::json body = json_object_body(request);
    runtime::Dispatcher& runtime = dispatcher(context);
    const std::string id = body.value("moduleId", "");
    const std::string operation = body.value("operation", "");
    if (id.empty() || operation.empty()) {
      throw bad_request("'moduleId' and 'operation' are required", "missing_field");
    }
    nlohmann::json module_request = body.value("request", nlohmann::json::object());
    if (!module_request.is_object()) throw bad_request("'request' must be a JSON object", "invalid_field");
    const std::shared_ptr<const Registry> registry = context.registry.current();
    const ModuleRecord* module = registry->find(id);
    if (module == nullptr) throw not_found("no module '" + id + "' is in the manifest", "module_not_found");
    if (!declares(*module, operation)) {
      throw not_found("module '" + id + "' does not declare the operation '" + operation + "'", "unknown_operation");
    }
    if (operation.ends_with("_register")) take_register_secrets(operation, module_request, *context.custody);
    if (operation == "bls_sign") settle_bls_sign_dst(module_request);
    return answer(runtime.call(*module, operation, module_request), *module, operation, context);
  });
}

}  // namespace cryftee::http
