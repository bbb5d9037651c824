#include "api/module_facts.h"

#include <algorithm>

#include "custody/custody.h"
#include "runtime/dispatch.h"
#include "runtime/host_abi.h"
#include "util/encoding.h"
#include "util/time.h"

namespace cryftee::api {

RuntimeFacts module_runtime_facts(const runtime::Dispatcher& dispatcher, const Custody& custody) {
  RuntimeFacts facts;
  for (const auto& key : custody.bls_keys()) facts.signer.bls_pubkeys.push_back("0x" + hex_encode(key.public_key));
  for (const auto& key : custody.tls_keys()) facts.signer.tls_pubkeys.push_back("0x" + hex_encode(key.public_key));

  facts.runtime.engine = dispatcher.engine_name();
  facts.runtime.healthy = true;
  facts.runtime.reason.reset();
  nlohmann::json modules = nlohmann::json::object();
  for (const auto& [id, health] : dispatcher.health()) {
    modules[id] = {{"healthy", health.healthy},
                   {"calls", health.calls},
                   {"failures", health.failures},
                   {"lastFailure", health.last_failure.empty() ? nlohmann::json(nullptr) : nlohmann::json(health.last_failure)}};
    if (!health.healthy && facts.runtime.healthy) {
      facts.runtime.healthy = false;
      facts.runtime.reason = "module '" + id + "' is unhealthy: " + health.last_failure;
    }
  }
  facts.runtime.details = {{"workers", dispatcher.worker_count()},
                           {"keyCustody", std::string(custody.backend_name())},
                           {"modules", modules}};

  for (const auto& import : runtime::host_imports()) facts.host_imports.push_back(import.grant);
  return facts;
}

void add_web3signer_facts(RuntimeFacts& facts, const Custody& custody) {
  const std::optional<Web3SignerHealthSnapshot> checked = custody.web3signer_health();
  if (!checked) return;
  const Web3SignerHealthSnapshot& health = *checked;
  Web3SignerView view;
  view.reachable = health.reachable;
  view.healthy = health.healthy;
  view.url = health.url;
  if (health.checked_at) view.checked_at = rfc3339_utc(*health.checked_at);
  if (!health.last_error.empty()) {
    view.last_error = health.last_error;
  } else if (!health.checked_at) {
    view.last_error = "Web3Signer has not been checked yet";
  }
  facts.web3signer = std::move(view);

  auto& listed = facts.signer.bls_pubkeys;
  for (const RemoteBlsKey& key : custody.web3signer_keys()) {
    const std::string pubkey = "0x" + hex_encode(key.public_key);
    if (std::find(listed.begin(), listed.end(), pubkey) == listed.end()) listed.push_back(pubkey);
  }
}

}  // namespace cryftee::api
