#pragma once
// What the API handlers may use. The daemon owns each of these and outlives every request.
#include <chrono>
#include <functional>
#include <memory>

#include "api/runtime_facts.h"
#include "config/config.h"
#include "runtime/registry.h"
#include "runtime/reloader.h"

namespace cryftee {
class Attestor;           // attest/attestor.h
class CryftgoTracker;  // api/cryftgo_tracker.h
class Custody;            // custody/custody.h
class WorkQueue;          // util/work_queue.h
namespace runtime {
class Dispatcher;  // runtime/dispatch.h
}
}

namespace cryftee::api {

struct ApiContext {
  const Config& config;
  runtime::RegistryHolder& registry;
  // Builds, verifies and swaps in a new registry; throws cryftee::Error and keeps the old one on failure.
  std::function<std::shared_ptr<const runtime::Registry>()> reload;
  Attestor& attestor;
  CryftgoTracker& cryftgo;
  std::chrono::system_clock::time_point started_at;
  // Every key, in whichever backend holds it (memory, the key store, Web3Signer when enabled).
  Custody& custody;
  // What the engine, key custody and the Web3Signer client report (api/runtime_facts.h); empty until one
  // of them is attached, and then status and schema say that part is absent.
  std::function<RuntimeFacts()> runtime_facts = {};
  // Runs module operations; null when no module runtime is attached, and staking routes then answer 503.
  runtime::Dispatcher* dispatcher = nullptr;
  // The outcome of the last reload attempt, for the status; empty when reloads are not tracked.
  std::function<std::optional<runtime::ReloadAttempt>()> last_reload = {};
  // Where keystore imports derive their keys, off the I/O threads; null: on the calling thread.
  WorkQueue* key_derivation = nullptr;
  // Where registrations and calls that may reach Web3Signer run, off the I/O threads (api/blocking_work.h);
  // null: on the calling thread.
  WorkQueue* blocking_work = nullptr;
};

}  // namespace cryftee::api
