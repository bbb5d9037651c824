#pragma once
// The body of GET /v1/staking/status. It carries two field sets for two readers: the seed's
// (cryfteeVersion, modules[], web3Signer, wasmRuntime) and cryftgo's (ready, web3signer_url, ...).
//
// Parts the API does not own report through RuntimeFacts (api/runtime_facts.h).
#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

#include "api/runtime_facts.h"
#include "config/config.h"
#include "runtime/registry.h"

namespace cryftee::api {

struct StatusFacts {
  const Config& config;
  const runtime::Registry& registry;
  const RuntimeFacts& attached;  // what the engine, custody and Web3Signer client report
  std::chrono::system_clock::time_point started_at;
  std::chrono::system_clock::time_point now;
};

nlohmann::json build_status(const StatusFacts& facts);

// True when a loaded module serves as default for both the bls and the tls family, which is what the
// staking routes need. cryftgo's "ready" and runtime/connection's "signer_ready" report this.
bool signer_ready(const runtime::Registry& registry);

// The URL without any "user:password@" part, for display.
std::string url_without_credentials(const std::string& url);

}  // namespace cryftee::api
