#include "runtime/registry.h"

#include <algorithm>

#include "util/error.h"

namespace cryftee::runtime {

const char* module_failure_name(ModuleFailure failure) {
  switch (failure) {
    case ModuleFailure::None: return "none";
    case ModuleFailure::MalformedEntry: return "malformed_entry";
    case ModuleFailure::NotEnabled: return "not_enabled";
    case ModuleFailure::FileMissing: return "file_missing";
    case ModuleFailure::OutsideModuleDir: return "outside_module_dir";
    case ModuleFailure::TooLarge: return "too_large";
    case ModuleFailure::ModuleJsonMismatch: return "module_json_mismatch";
    case ModuleFailure::HashMissing: return "hash_missing";
    case ModuleFailure::HashMismatch: return "hash_mismatch";
    case ModuleFailure::SignatureMissing: return "signature_missing";
    case ModuleFailure::UnknownPublisher: return "unknown_publisher";
    case ModuleFailure::PublisherUnusable: return "publisher_unusable";
    case ModuleFailure::SignatureMalformed: return "signature_malformed";
    case ModuleFailure::SignatureInvalid: return "signature_invalid";
    case ModuleFailure::Incompatible: return "incompatible";
    case ModuleFailure::EngineRefused: return "engine_refused";
  }
  return "unknown";
}

const ModuleRecord* Registry::find(const std::string& id) const {
  const auto it = std::find_if(modules.begin(), modules.end(), [&](const ModuleRecord& m) { return m.entry.id == id; });
  return it == modules.end() ? nullptr : &*it;
}

const ModuleRecord* Registry::default_for(const std::string& family) const {
  const auto it = defaults.find(family);
  if (it == defaults.end()) return nullptr;
  const ModuleRecord* record = find(it->second);
  return record && record->status.loaded ? record : nullptr;
}

const ModuleRecord& Registry::serving(const std::string& family, const std::string& capability) const {
  const ModuleRecord* module = default_for(family);
  if (module == nullptr || !declares(*module, capability)) {
    throw unavailable("no module provides " + capability + ": load a trusted module that declares it and is the default for '" +
                          family + "' (GET /v1/staking/status lists every module and why it did not load)",
                      "no_module");
  }
  return *module;
}

bool declares(const ModuleRecord& record, const std::string& capability) {
  const auto& capabilities = record.entry.capabilities;
  return std::find(capabilities.begin(), capabilities.end(), capability) != capabilities.end();
}

}  // namespace cryftee::runtime
