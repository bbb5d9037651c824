#include "runtime/dispatch.h"

#include <algorithm>

#include "metrics/metrics.h"
#include "runtime/effective_limits.h"
#include "runtime/host_abi.h"
#include "runtime/limits.h"
#include "util/json_scan.h"
#include "util/log.h"

namespace cryftee::runtime {
namespace {

unsigned worker_count_for(unsigned configured) {
  if (configured != 0) return configured;
  return std::max(1u, std::thread::hardware_concurrency());
}

// The reason label of cryftee_module_call_failures_total.
const char* failure_label(engine::FailState state) {
  switch (state) {
    case engine::FailState::Trap: return "trap";
    case engine::FailState::Timeout: return "timeout";
    case engine::FailState::OutOfMemory: return "out_of_memory";
    case engine::FailState::BadResponse: return "bad_response";
  }
  return "other";
}

// What the host tells every module call (docs/abi.md "hostContext").
nlohmann::json host_context_of(const SigningPolicy& policy) {
  nlohmann::json context = {{"blsPolicy", policy.bls == BlsPolicy::Open ? "open" : "avalanche"}};
  if (policy.warp_network_id) context["warpNetworkID"] = *policy.warp_network_id;
  return context;
}

}  // namespace

Dispatcher::Dispatcher(std::unique_ptr<engine::Engine> engine, unsigned workers, Custody& custody,
                       std::vector<std::string> egress_urls, const SigningPolicy& policy)
    : engine_(std::move(engine)),
      engine_name_(engine_->name()),
      custody_(custody),
      egress_urls_(std::move(egress_urls)),
      host_context_(host_context_of(policy)),
      host_context_text_(host_context_.dump()),
      lane_limit_(worker_count_for(workers)) {}

// Callers are done by now; each lane's instances go before its worker (member order in Lane).
Dispatcher::~Dispatcher() = default;

Dispatcher::PreparedKeyView Dispatcher::key_of(const ModuleRecord& module) {
  return {module.entry.id, module.computed_hash, module.entry.signature};
}

EngineCheck Dispatcher::engine_check() {
  return [this](const ModuleRecord& module) { return accept(module); };
}

std::optional<std::string> Dispatcher::accept(const ModuleRecord& module) {
  if (!module.wasm) return "the module's bytes were not read";
  try {
    auto prepared = std::make_shared<Prepared>();
    prepared->module_id = module.entry.id;
    prepared->compiled = engine_->compile(module.entry.id, *module.wasm, effective_limits(module.entry.limits));
    prepared->imports = resolve_imports(prepared->compiled->info(), module.entry.imports);
    check_abi_exports(prepared->compiled->info());
    try_in_lane(prepared);
    std::lock_guard lock(prepared_mutex_);
    prepared_.insert_or_assign(PreparedKey(key_of(module)), std::move(prepared));
    return std::nullopt;
  } catch (const Error& error) {
    return std::string(error.what());
  }
}

// One trial instance proves the module links and speaks ABI v1 before it is offered to clients. It is
// made in a lane and left there, so the first request finds the lane's isolate and the instance ready.
void Dispatcher::try_in_lane(const std::shared_ptr<const Prepared>& module) {
  Lane& lane = acquire_lane();
  try {
    const auto held = lane.worker->hold();
    Live& slot = lane.live[module.get()];
    slot.module = module;
    slot.instance = lane.worker->instantiate(*module->compiled, module->imports);
    check_instance_abi(*slot.instance, module->module_id);
  } catch (...) {
    lane.live.erase(module.get());
    release_lane(lane);
    throw;
  }
  release_lane(lane);
}

void Dispatcher::retain_only(const Registry& current) {
  decltype(prepared_) kept;
  std::lock_guard lock(prepared_mutex_);
  for (const auto& module : current.modules) {
    auto it = prepared_.find(key_of(module));
    if (module.status.loaded && it != prepared_.end()) kept.insert(*it);
  }
  prepared_ = std::move(kept);
}

ModuleAnswer Dispatcher::call(const ModuleRecord& module, std::string_view operation, const nlohmann::json& request) {
  return run(module, operation, with_host_context(request));
}

ModuleAnswer Dispatcher::call_text(const ModuleRecord& module, std::string_view operation, RequestText request) {
  append_json_member(request.object, "hostContext", host_context_text_);
  return run(module, operation, request.object);
}

ModuleAnswer Dispatcher::run(const ModuleRecord& module, std::string_view operation, const std::string& request) {
  if (operation.size() > kMaxOperationBytes) throw bad_request("the operation name is too long", "bad_operation");
  std::shared_ptr<const Prepared> prepared;
  {
    std::lock_guard lock(prepared_mutex_);
    auto it = prepared_.find(key_of(module));
    if (module.status.loaded && it != prepared_.end()) prepared = it->second;
  }
  if (!prepared) {
    throw unavailable("module '" + module.entry.id + "' is not loaded: " +
                          (module.status.reason.empty() ? "it was not accepted by the engine" : module.status.reason),
                      "module_unavailable");
  }
  Lane& lane = acquire_lane();
  std::string text;
  std::exception_ptr failure;
  try {
    text = run_in_lane(lane, prepared, operation, request);
  } catch (...) {
    failure = std::current_exception();
  }
  release_lane(lane);
  metrics::process_metrics().count_module_call(module.entry.id);
  record(module.entry.id, failure);
  if (failure) std::rethrow_exception(failure);
  try {
    return ModuleAnswer::check(module.entry.id, std::move(text));
  } catch (const engine::ModuleFault&) {
    record(module.entry.id, std::current_exception());
    throw;
  }
}

std::string Dispatcher::with_host_context(const nlohmann::json& request) const {
  if (!request.is_object()) return request.dump();
  if (request.contains("hostContext")) {
    nlohmann::json copy = request;
    copy["hostContext"] = host_context_;
    return copy.dump();
  }
  // Appended to the request's text: a copy of the parsed request costs allocations for every member.
  std::string text = request.dump();
  append_json_member(text, "hostContext", host_context_text_);
  return text;
}

Dispatcher::Lane& Dispatcher::acquire_lane() {
  std::unique_lock lock(lanes_mutex_);
  for (;;) {
    if (!free_lanes_.empty()) {
      const auto mine = std::find_if(free_lanes_.begin(), free_lanes_.end(),
                                     [](const Lane* lane) { return lane->last_thread == std::this_thread::get_id(); });
      Lane* lane = mine != free_lanes_.end() ? *mine : free_lanes_.back();
      std::erase(free_lanes_, lane);
      return *lane;
    }
    if (lanes_made_ < lane_limit_) break;
    lane_freed_.wait(lock);
  }
  ++lanes_made_;
  lock.unlock();
  auto lane = std::make_unique<Lane>();
  try {
    lane->worker = engine_->create_worker();
  } catch (...) {
    lock.lock();
    --lanes_made_;
    lane_freed_.notify_one();
    throw;
  }
  lock.lock();
  lanes_.push_back(std::move(lane));
  return *lanes_.back();
}

void Dispatcher::release_lane(Lane& lane) {
  lane.last_thread = std::this_thread::get_id();
  {
    std::lock_guard lock(lanes_mutex_);
    free_lanes_.push_back(&lane);
  }
  lane_freed_.notify_one();
}

std::string Dispatcher::run_in_lane(Lane& lane, const std::shared_ptr<const Prepared>& module,
                                    std::string_view operation, const std::string& request) {
  const auto held = lane.worker->hold();
  // Instances of modules that a reload has dropped go away with their lane's next call.
  std::erase_if(lane.live, [&](const auto& item) { return item.first != module.get() && item.second.module.use_count() == 1; });

  Live& slot = lane.live[module.get()];
  if (!slot.instance) {
    slot.module = module;
    slot.instance = lane.worker->instantiate(*module->compiled, module->imports);
  }
  CallContext context{.module_id = module->module_id, .custody = custody_, .egress_urls = egress_urls_};
  try {
    std::string response = call_module(*slot.instance, operation, request, context);
    if (slot.instance->broken()) slot.instance.reset();
    return response;
  } catch (const engine::ModuleFault&) {
    slot.instance.reset();  // replaced on next use
    throw;
  }
}

void Dispatcher::record(const std::string& module_id, const std::exception_ptr& failure) {
  std::string reason;
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const engine::ModuleFault& fault) {
      reason = fault.what();
      metrics::process_metrics().count_module_failure(module_id, failure_label(fault.state()));
    } catch (...) {
      // A host import refusing a request (unknown key, bad input) says nothing about the module's health.
    }
  }
  std::lock_guard lock(health_mutex_);
  ModuleHealth& health = health_[module_id];
  if (!failure || reason.empty()) {
    if (!failure) ++health.calls;
    if (!failure) {
      health.consecutive_failures = 0;
      health.healthy = true;
    }
    return;
  }
  ++health.calls;
  ++health.failures;
  ++health.consecutive_failures;
  health.last_failure = reason;
  if (health.consecutive_failures >= runtime_limits::kFailuresBeforeUnhealthy && health.healthy) {
    health.healthy = false;
    log::warn("module_unhealthy", {{"module", module_id}, {"reason", reason}});
  }
}

std::map<std::string, ModuleHealth> Dispatcher::health() const {
  std::lock_guard lock(health_mutex_);
  return health_;
}

}  // namespace cryftee::runtime
