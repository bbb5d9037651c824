// The staking routes (and the generic module call route): each request goes to the module that is the
// default for its capability family, runs there under its limits, and comes back with moduleId and
// moduleVersion added. Secret-bearing fields of register requests are taken out first
// (register_secrets.h): the module sees only the keyHandle of what was imported. Register answers also say
// where the key lives (custody, durable, sealer, web3signerCopy), from custody itself rather than from the
// module, so a module cannot claim a durability it does not have.
#include <functional>
#include <memory>
#include <optional>

#include "api/api_routes.h"
#include "api/blocking_work.h"
#include "api/bls_sign_request.h"
#include "api/json_body.h"
#include "api/json_response.h"
#include "api/key_quota.h"
#include "api/register_secrets.h"
#include "custody/custody.h"
#include "runtime/dispatch.h"
#include "util/error.h"
#include "util/process_protection.h"
#include "util/work_queue.h"

namespace cryftee::api {
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

runtime::Dispatcher& dispatcher(ApiContext& context) {
  if (context.dispatcher == nullptr) {
    throw unavailable("no module runtime is attached to this daemon, so no module can run", "no_runtime");
  }
  return *context.dispatcher;
}

// A register answer also says where its key lives, so it is parsed; any other answer goes out as the module
// wrote it, with moduleId and moduleVersion spliced in.
Response answer(const runtime::ModuleAnswer& reply, const runtime::ModuleRecord& module, std::string_view operation,
                ApiContext& context) {
  if (!operation.ends_with("_register")) {
    return json_text_response(reply.with_module(module.entry.id, module.entry.version));
  }
  nlohmann::json response = reply.json();
  const auto handle = response.find("keyHandle");
  if (handle != response.end() && handle->is_string()) {
    response.update(context.custody.key_facts(handle->get<std::string>()));
  }
  response["moduleId"] = module.entry.id;
  response["moduleVersion"] = module.entry.version;
  return json_response(response);
}

// Whether a register request counts against its client's key quota: not when it only looks a key up
// (mode "verify") or carries the admin token.
bool counts_against_quota(const ApiContext& context, const Request& request, const nlohmann::json& body) {
  const std::string* admin_token = context.config.admin_token ? &*context.config.admin_token : nullptr;
  const auto mode = body.find("mode");
  const bool only_looks_up = mode != body.end() && mode->is_string() && *mode == "verify";
  return !only_looks_up && !presents_admin_token(request, admin_token);
}

// Runs `run` on the blocking-work threads when it may wait on something outside the process (and there
// are such threads), else on the I/O thread that read the request, at once.
void run_here_or_blocking(ApiContext& context, bool may_block, Answer run, const std::function<void(Answer)>& finish) {
  if (!may_block || context.blocking_work == nullptr) return finish(std::move(run));
  run_blocking(*context.blocking_work, [finish, run = std::move(run)]() mutable { finish(std::move(run)); });
}

// Runs `operation` of `module`, first taking the secrets of a register request into custody (counted
// against the client's key quota; a registration that fails is given back). Where it runs:
//   - deriving a key from a keystore password: on the key-derivation queue (503 key_derivation_busy when full);
//   - a registration (it may seal the key into the key store, through a TPM) or any call while Web3Signer
//     is enabled (a signature may be a network round trip): on the blocking-work threads;
//   - anything else (bounded by the module's deadline): on the I/O thread that read the request, at once.
void call_module(ApiContext& context, const std::shared_ptr<KeyQuota>& quota, const Request& request,
                 const std::shared_ptr<const runtime::Registry>& registry, const runtime::ModuleRecord& module, std::string operation,
                 nlohmann::json body, const std::function<void(Answer)>& finish) {
  runtime::Dispatcher& runtime = dispatcher(context);
  if (operation == "bls_sign") settle_bls_sign_dst(body);
  const bool registers = operation.ends_with("_register");
  const bool derives = registers && context.key_derivation != nullptr && needs_key_derivation(operation, body);
  std::optional<std::string> counted_client;
  if (registers && counts_against_quota(context, request, body)) {
    quota->take(request.peer.limit_key);
    counted_client = request.peer.limit_key;
  }
  auto run = [&context, &runtime, registry, &module, quota, counted_client, registers, operation,
              body = std::move(body)]() mutable -> Response {
    try {
      if (registers) {
        take_register_secrets(operation, body, context.custody);
        scrub_thread_traces();  // the frames that decoded and derived the secret are done
      }
      return answer(runtime.call(module, operation, body), module, operation, context);
    } catch (...) {
      if (counted_client) quota->give_back(*counted_client);
      throw;
    }
  };
  const bool may_block = registers || context.custody.web3signer_enabled();
  try {
    if (!derives) return run_here_or_blocking(context, may_block, std::move(run), finish);
    if (!context.key_derivation->try_submit([finish, run = std::move(run)]() mutable { finish(std::move(run)); })) {
      throw unavailable("too many keystore imports are waiting for key derivation; try again shortly",
                        "key_derivation_busy");
    }
  } catch (...) {
    if (counted_client) quota->give_back(*counted_client);
    throw;
  }
}

// A plain BLS sign (bls_sign_request.h) goes to the module as the client's text: no JSON tree, no secrets
// to take out, no quota to count.
void call_with_text(ApiContext& context, const StakingRoute& route, runtime::RequestText text,
                    const std::function<void(Answer)>& finish) {
  runtime::Dispatcher& runtime = dispatcher(context);
  std::shared_ptr<const runtime::Registry> registry = context.registry.current();  // kept until we answer
  const runtime::ModuleRecord& module = registry->serving(route.family, route.capability);
  auto run = [&context, &runtime, registry, &module, operation = route.capability, text = std::move(text)]() mutable {
    return answer(runtime.call_text(module, operation, std::move(text)), module, operation, context);
  };
  run_here_or_blocking(context, context.custody.web3signer_enabled(), std::move(run), finish);
}

}  // namespace

void add_staking_routes(Router& router, ApiContext& context) {
  auto quota = std::make_shared<KeyQuota>(context.config.limits.max_keys_per_peer);
  for (const StakingRoute& route : kStakingRoutes) {
    router.add_deferred("POST", route.path, Access::Staking,
                        [&context, &route, quota](const Request& request, std::function<void(Answer)> finish) {
                          if (std::string_view(route.capability) == "bls_sign") {
                            if (auto text = plain_bls_sign_request(request.body)) {
                              return call_with_text(context, route, std::move(*text), finish);
                            }
                          }
                          nlohmann::json body = json_object_body(request);
                          dispatcher(context);
                          std::shared_ptr<const runtime::Registry> registry = context.registry.current();  // kept until we answer
                          const runtime::ModuleRecord& module = registry->serving(route.family, route.capability);
                          call_module(context, quota, request, registry, module, route.capability, std::move(body),
                                      finish);
                          // Parsing the body left the request's secret fields in frames below this one.
                          if (std::string_view(route.capability).ends_with("_register")) scrub_thread_traces();
                        });
  }

  // Any loaded module's declared operation: {"moduleId", "operation", "request": {...}}. Used for modules
  // that are not the default for a family (debug_v1) and by operators' tools.
  router.add_deferred("POST", "/v1/modules/call", Access::Staking,
                      [&context, quota](const Request& request, std::function<void(Answer)> finish) {
    nlohmann::json body = json_object_body(request);
    dispatcher(context);
    const std::string id = optional_string_member(body, "moduleId");
    const std::string operation = optional_string_member(body, "operation");
    if (id.empty() || operation.empty()) {
      throw bad_request("'moduleId' and 'operation' are required", "missing_field");
    }
    const auto request_field = body.find("request");
    nlohmann::json module_request = request_field == body.end() ? nlohmann::json::object() : std::move(*request_field);
    if (!module_request.is_object()) throw bad_request("'request' must be a JSON object", "invalid_field");
    const std::shared_ptr<const runtime::Registry> registry = context.registry.current();
    const runtime::ModuleRecord* module = registry->find(id);
    if (module == nullptr) throw not_found("no module '" + id + "' is in the manifest", "module_not_found");
    if (!declares(*module, operation)) {
      throw not_found("module '" + id + "' does not declare the operation '" + operation + "'", "unknown_operation");
    }
    call_module(context, quota, request, registry, *module, operation, std::move(module_request), finish);
    if (operation.ends_with("_register")) scrub_thread_traces();
  });
}

}  // namespace cryftee::api
