#include "runtime/dispatch.h"

#include <future>

#include "runtime/host_abi.h"
#include "runtime/limits.h"
#include "util/log.h"

namespace cryftee::runtime {
namespace {

constexpr int kDefaultModuleErrorStatus = 400;

unsigned worker_count_for(unsigned configured) {
  if (configured != 0) return configured;
  return std::max(1u, std::thread::hardware_concurrency());
}

// A module answers errors as {"error": code, "message": text, "status": 4xx/5xx}.
nlohmann::json parse_response(const std::string& module_id, const std::string& text) {
  nlohmann::json response = nlohmann::json::parse(text, nullptr, false);
  if (!response.is_object()) {
    throw engine::ModuleFault(engine::FailState::BadResponse, module_id, "its response is not a JSON object");
  }
  if (response.contains("error") && response["error"].is_string()) {
    int status = response.value("status", kDefaultModuleErrorStatus);
    if (status < 400 || status > 599) status = kDefaultModuleErrorStatus;
    throw Error(status, response["error"].get<std::string>(), response.value("message", "the module refused the request"));
  }
  return response;
}

}  // namespace

Dispatcher::Dispatcher(std::unique_ptr<engine::Engine> engine, unsigned workers, KeyCustody* custody,
                       const Web3SignerSettings* web3signer, Web3SignerCustody* web3signer_custody)
    : engine_(std::move(engine)),
      engine_name_(engine_->name()),
      custody_(custody),
      web3signer_(web3signer),
      web3signer_custody_(web3signer_custody) {
  const unsigned count = worker_count_for(workers);
  for (unsigned i = 0; i < count; ++i) threads_.emplace_back([this] { run_worker(); });
}

Dispatcher::~Dispatcher() {
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  queue_ready_.notify_all();
  for (auto& thread : threads_) thread.join();
}

std::string Dispatcher::cache_key(const ModuleRecord& module) {
  // The signature covers the entry (limits, imports) and the hash covers the bytes.
  return module.entry.id + "|" + module.computed_hash + "|" + module.entry.signature;
}

EngineCheck Dispatcher::engine_check() {
  return [this](const ModuleRecord& module) { return accept(module); };
}

std::optional<std::string> Dispatcher::accept(const ModuleRecord& module) {
  if (!module.wasm) return "the module's bytes were not read";
  try {
    auto prepared = std::make_shared<Prepared>();
    prepared->module_id = module.entry.id;
    prepared->compiled = engine_->compile(module.entry.id, *module.wasm, module.entry.limits);
    prepared->imports = resolve_imports(prepared->compiled->info(), module.entry.imports);
    check_abi_exports(prepared->compiled->info());
    {
      // One trial instance proves the module links and speaks ABI v1 before it is offered to clients.
      auto worker = engine_->create_worker();
      auto instance = worker->instantiate(*prepared->compiled, prepared->imports);
      check_instance_abi(*instance, module.entry.id);
    }
    std::lock_guard lock(prepared_mutex_);
    prepared_[cache_key(module)] = std::move(prepared);
    return std::nullopt;
  } catch (const Error& error) {
    return std::string(error.what());
  }
}

void Dispatcher::retain_only(const Registry& current) {
  std::map<std::string, std::shared_ptr<const Prepared>> kept;
  std::lock_guard lock(prepared_mutex_);
  for (const auto& module : current.modules) {
    auto it = prepared_.find(cache_key(module));
    if (module.status.loaded && it != prepared_.end()) kept.insert(*it);
  }
  prepared_ = std::move(kept);
}

nlohmann::json Dispatcher::call(const ModuleRecord& module, std::string_view operation, const nlohmann::json& request) {
  if (operation.size() > kMaxOperationBytes) throw bad_request("the operation name is too long", "bad_operation");
  std::shared_ptr<const Prepared> prepared;
  {
    std::lock_guard lock(prepared_mutex_);
    auto it = prepared_.find(cache_key(module));
    if (module.status.loaded && it != prepared_.end()) prepared = it->second;
  }
  if (!prepared) {
    throw unavailable("module '" + module.entry.id + "' is not loaded: " +
                          (module.status.reason.empty() ? "it was not accepted by the engine" : module.status.reason),
                      "module_unavailable");
  }
  auto result = std::make_shared<std::promise<std::string>>();
  auto answer = result->get_future();
  {
    std::lock_guard lock(queue_mutex_);
    queue_.push_back(Job{prepared, std::string(operation), request.dump(),
                         [result](std::string response, std::exception_ptr failure) {
                           if (failure) {
                             result->set_exception(failure);
                           } else {
                             result->set_value(std::move(response));
                           }
                         }});
  }
  queue_ready_.notify_one();
  std::string text = answer.get();
  try {
    return parse_response(module.entry.id, text);
  } catch (const engine::ModuleFault&) {
    record(module.entry.id, std::current_exception());
    throw;
  }
}

void Dispatcher::run_worker() {
  std::unique_ptr<engine::Worker> worker = engine_->create_worker();
  struct Live {
    std::shared_ptr<const Prepared> module;
    std::unique_ptr<engine::Instance> instance;
  };
  std::map<const Prepared*, Live> live;
  engine::CallContext context;
  context.custody = custody_;
  context.web3signer = web3signer_;
  context.web3signer_custody = web3signer_custody_;

  for (;;) {
    Job job;
    {
      std::unique_lock lock(queue_mutex_);
      queue_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_ && queue_.empty()) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    // Instances of modules that a reload has dropped go away with their last job.
    std::erase_if(live, [&](const auto& item) { return item.first != job.module.get() && item.second.module.use_count() == 1; });

    std::string response;
    std::exception_ptr failure;
    try {
      Live& slot = live[job.module.get()];
      if (!slot.instance) {
        slot.module = job.module;
        slot.instance = worker->instantiate(*job.module->compiled, job.module->imports);
      }
      context.module_id = job.module->module_id;
      try {
        response = call_module(*slot.instance, job.operation, job.request, context);
      } catch (const engine::ModuleFault&) {
        slot.instance.reset();  // replaced on next use
        throw;
      }
      if (slot.instance->broken()) slot.instance.reset();
    } catch (...) {
      failure = std::current_exception();
    }
    record(job.module->module_id, failure);
    job.done(std::move(response), failure);
  }
}

void Dispatcher::record(const std::string& module_id, const std::exception_ptr& failure) {
  std::string reason;
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const engine::ModuleFault& fault) {
      reason = fault.what();
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
