#pragma once
// Runs module operations on a pool of lanes. Each lane owns one engine Worker (a V8 isolate) and at most
// one instance per module, created on first use and replaced after a module fault, so independent
// requests run in parallel and a failing module never disturbs another. A call runs on the caller's own
// thread in a free lane: handing it to another thread and back cost two context switches per request,
// which on these VMs was more than the rest of the request's overhead.
//
// Modules are compiled once, when the registry builder offers them through engine_check(); a module
// whose compilation, exports or imports are refused is not loaded and its reason says why.
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config.h"
#include "runtime/engine/engine.h"
#include "runtime/loader.h"
#include "runtime/module_answer.h"
#include "runtime/registry.h"
#include "runtime/request_text.h"

namespace cryftee {
class Custody;  // custody/custody.h
}

namespace cryftee::runtime {

struct ModuleHealth {
  bool healthy = true;
  unsigned consecutive_failures = 0;
  std::uint64_t calls = 0;
  std::uint64_t failures = 0;
  std::string last_failure;  // why the last fault happened, for status
};

class Dispatcher {
 public:
  // workers (lanes) == 0: one per core. Every key import of a module call goes to `custody`, which must
  // outlive the dispatcher. `egress_urls` (the configured Web3Signer URLs) are all that http_request may
  // reach; none: it refuses. `policy` reaches every module call as the request's "hostContext" (docs/abi.md).
  Dispatcher(std::unique_ptr<engine::Engine> engine, unsigned workers, Custody& custody,
             std::vector<std::string> egress_urls, const SigningPolicy& policy = {});
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // For build_registry: compiles a verified module, checks its exports and granted imports and
  // instantiates it once. Returns the reason when the module is refused.
  EngineCheck engine_check();

  // Runs `operation` of a loaded module with a JSON request (plus "hostContext", which replaces any the
  // client sent) and returns its answer, checked to be a JSON object (module_answer.h). A module's
  // {"error", "message", "status"} answer becomes a cryftee::Error with that status (400 by default);
  // faults become ModuleFault (500 module_trap / 503 module_timeout). Runs on the calling thread; waits
  // for a free lane when all are busy.
  ModuleAnswer call(const ModuleRecord& module, std::string_view operation, const nlohmann::json& request);
  // The same for a request already held as checked text (request_text.h): no JSON tree is built.
  ModuleAnswer call_text(const ModuleRecord& module, std::string_view operation, RequestText request);

  // Drops compiled modules no longer in `current` (after a reload has been swapped in).
  void retain_only(const Registry& current);

  std::map<std::string, ModuleHealth> health() const;
  std::string engine_name() const { return engine_name_; }
  unsigned worker_count() const { return lane_limit_; }

 private:
  struct Prepared {
    std::string module_id;
    std::shared_ptr<const engine::CompiledModule> compiled;
    std::vector<engine::HostFunction> imports;
  };
  struct Live {
    std::shared_ptr<const Prepared> module;
    std::unique_ptr<engine::Instance> instance;
  };
  struct Lane {
    std::unique_ptr<engine::Worker> worker;
    std::map<const Prepared*, Live> live;
    std::thread::id last_thread;  // V8 switches an isolate between threads at a cost; prefer the last one
  };

  // What names a compiled module across reloads: its id, the hash of its bytes and the signature of its
  // entry (limits, imports). Looked up as views, so a call copies none of the three.
  using PreparedKey = std::tuple<std::string, std::string, std::string>;
  using PreparedKeyView = std::tuple<std::string_view, std::string_view, std::string_view>;
  static PreparedKeyView key_of(const ModuleRecord& module);
  std::string with_host_context(const nlohmann::json& request) const;
  // Runs `operation` with `request`, the module's whole request text (hostContext included).
  ModuleAnswer run(const ModuleRecord& module, std::string_view operation, const std::string& request);
  std::optional<std::string> accept(const ModuleRecord& module);
  void try_in_lane(const std::shared_ptr<const Prepared>& module);
  Lane& acquire_lane();
  void release_lane(Lane& lane);
  std::string run_in_lane(Lane& lane, const std::shared_ptr<const Prepared>& module, std::string_view operation,
                          const std::string& request);
  void record(const std::string& module_id, const std::exception_ptr& failure);

  std::unique_ptr<engine::Engine> engine_;
  std::string engine_name_;
  Custody& custody_;
  const std::vector<std::string> egress_urls_;
  const nlohmann::json host_context_;
  const std::string host_context_text_;  // host_context_ as JSON text, made once

  mutable std::mutex prepared_mutex_;
  std::map<PreparedKey, std::shared_ptr<const Prepared>, std::less<>> prepared_;

  mutable std::mutex health_mutex_;
  std::map<std::string, ModuleHealth> health_;

  // Lanes are made on first need (an isolate costs milliseconds to create), up to lane_limit_.
  const unsigned lane_limit_;
  std::mutex lanes_mutex_;
  std::condition_variable lane_freed_;
  std::vector<std::unique_ptr<Lane>> lanes_;
  std::vector<Lane*> free_lanes_;
  unsigned lanes_made_ = 0;  // including those being made right now
};

}  // namespace cryftee::runtime
