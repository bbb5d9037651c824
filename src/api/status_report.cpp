#include "api/status_report.h"

#include <set>

#include "util/time.h"
#include "version.h"

namespace cryftee::api {
namespace {

using nlohmann::json;

// The module's operator page, which the kiosk shows only when every listed file verified.
json gui_status(const runtime::ModuleRecord& record) {
  if (!record.entry.gui) return nullptr;
  return {
      {"entry", record.entry.gui->entry},
      {"verified", record.gui_verified},
      {"files", record.gui_files},
      {"reason", record.gui_reason.empty() ? json(nullptr) : json(record.gui_reason)},
  };
}

json module_status(const runtime::ModuleRecord& record, const runtime::Registry& registry) {
  const ManifestEntry& entry = record.entry;
  json default_for = json::object();
  for (const auto& [family, is_default] : entry.default_for) default_for[family] = is_default;
  // The families this module actually serves, after the registry resolved conflicting claims.
  json serving = json::array();
  for (const auto& [family, id] : registry.defaults) {
    if (id == entry.id && record.status.loaded) serving.push_back(family);
  }
  return {
      {"id", entry.id},
      {"version", entry.version},
      {"description", entry.description},
      {"capabilities", entry.capabilities},
      {"defaultFor", std::move(default_for)},
      {"servingDefaultFor", std::move(serving)},
      {"imports", entry.imports},
      {"limits",
       {{"memoryPages", entry.limits.memory_pages},
        {"deadlineMs", entry.limits.deadline_ms},
        {"maxBinaryBytes", entry.limits.max_binary_bytes}}},
      {"minCryfteeVersion", entry.min_cryftee_version},
      {"publisherId", entry.publisher_id},
      {"hash", entry.hash},
      {"computedHash", record.computed_hash.empty() ? json(nullptr) : json(record.computed_hash)},
      {"trusted", record.status.trusted},
      {"compatible", record.status.compatible},
      {"loaded", record.status.loaded},
      {"reason", record.status.reason.empty() ? json(nullptr) : json(record.status.reason)},
      {"failure", record.status.failure == runtime::ModuleFailure::None ? json(nullptr)
                                                                : json(runtime::module_failure_name(record.status.failure))},
      {"unverified", record.status.unverified},
      {"gui", gui_status(record)},
  };
}

json web3signer_status(const Config& config, const std::optional<Web3SignerView>& view) {
  json urls = json::array();
  for (const std::string& url : config.web3signer.urls) urls.push_back(url_without_credentials(url));
  json status = {{"enabled", config.web3signer.enabled}, {"urls", std::move(urls)}};
  if (view) {
    status["reachable"] = view->reachable;
    status["healthy"] = view->healthy;
    status["checkedUrl"] = view->url.empty() ? json(nullptr) : json(view->url);
    status["checkedAt"] = view->checked_at ? json(*view->checked_at) : json(nullptr);
    status["lastError"] = view->last_error ? json(*view->last_error) : json(nullptr);
  } else {
    status["reachable"] = false;
    status["lastError"] = config.web3signer.enabled ? json("no Web3Signer client is attached to this daemon") : json(nullptr);
  }
  return status;
}

json wasm_runtime_status(const WasmRuntimeView& view) {
  json status = view.details.is_object() ? view.details : json::object();
  status["healthy"] = view.healthy;
  status["engine"] = view.engine;
  status["reason"] = view.reason ? json(*view.reason) : json(nullptr);
  return status;
}

// cryftgo reads one module version: the one that serves BLS, or else TLS.
std::string signer_module_version(const runtime::Registry& registry) {
  for (const char* family : {"bls", "tls"}) {
    if (const runtime::ModuleRecord* record = registry.default_for(family)) return record->entry.version;
  }
  return {};
}

}  // namespace

bool signer_ready(const runtime::Registry& registry) {
  return registry.default_for("bls") != nullptr && registry.default_for("tls") != nullptr;
}

std::string url_without_credentials(const std::string& url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return url;
  const auto authority = scheme_end + 3;
  const auto authority_end = url.find_first_of("/?#", authority);
  const auto at = url.rfind('@', authority_end == std::string::npos ? url.size() : authority_end);
  if (at == std::string::npos || at < authority) return url;
  return url.substr(0, authority) + url.substr(at + 1);
}

json build_status(const StatusFacts& facts) {
  const runtime::Registry& registry = facts.registry;
  json modules = json::array();
  std::set<std::string> capabilities;
  for (const runtime::ModuleRecord& record : registry.modules) {
    modules.push_back(module_status(record, registry));
    if (record.status.loaded) capabilities.insert(record.entry.capabilities.begin(), record.entry.capabilities.end());
  }
  json web3signer = web3signer_status(facts.config, facts.attached.web3signer);
  const auto uptime = std::chrono::duration_cast<std::chrono::seconds>(facts.now - facts.started_at).count();

  return {
      // The seed's field set.
      {"cryfteeVersion", kCryfteeVersion},
      {"abiVersion", kAbiVersion},
      {"transport", transport_name(facts.config.transport)},
      {"startedAt", rfc3339_utc(facts.started_at)},
      {"uptimeSeconds", uptime < 0 ? 0 : uptime},
      {"epoch", registry.epoch},
      {"manifestHash", registry.manifest_hash.empty() ? json(nullptr) : json(registry.manifest_hash)},
      {"modules", std::move(modules)},
      {"defaults", registry.defaults},
      {"problems", registry.problems},
      {"modulesEnabled", facts.config.modules_enabled
                             ? json{{"ids", *facts.config.modules_enabled}, {"unknown", registry.unknown_enabled_ids}}
                             : json(nullptr)},
      {"web3Signer", web3signer},
      {"wasmRuntime", wasm_runtime_status(facts.attached.runtime)},
      {"keyStore", facts.attached.key_store},
      // cryftgo's field set.
      {"ready", signer_ready(registry)},
      {"web3signer_url", web3signer["urls"].empty() ? json("") : web3signer["urls"][0]},
      {"web3signer_connected", web3signer["reachable"]},
      {"bls_pubkeys", facts.attached.signer.bls_pubkeys},
      {"tls_pubkeys", facts.attached.signer.tls_pubkeys},
      {"module_version", signer_module_version(registry)},
      {"capabilities", capabilities},
  };
}

}  // namespace cryftee::api
