#include "runtime/loader.h"

#include <algorithm>
#include <fstream>
#include <system_error>
#include <utility>
#include <vector>

#include "crypto/sha256.h"
#include "manifest/entry_signature.h"
#include "manifest/file_reader.h"
#include "manifest/gui_files.h"
#include "manifest/module_json.h"
#include "manifest/semver.h"
#include "manifest/trust.h"
#include "util/error.h"
#include "util/log.h"
#include "version.h"

namespace cryftee::runtime {
namespace {

namespace fs = std::filesystem;

constexpr const char* kModulesEnabledSetting = "CRYFTEE_MODULES_ENABLED (--modules-enabled)";

// What the checks of one module found. Problems that the development switch may override (hash and
// signature) are kept apart from those it never overrides (a missing file, a wrong module.json, ...).
struct Findings {
  ModuleFailure first = ModuleFailure::None;
  std::vector<std::string> blocking;
  std::vector<std::string> unverified;

  void block(ModuleFailure failure, std::string sentence) {
    note(failure);
    blocking.push_back(std::move(sentence));
  }
  void distrust(ModuleFailure failure, std::string sentence) {
    note(failure);
    unverified.push_back(std::move(sentence));
  }

 private:
  void note(ModuleFailure failure) {
    if (first == ModuleFailure::None) first = failure;
  }
};

std::string join(const std::vector<std::string>& sentences) {
  std::string out;
  for (const auto& sentence : sentences) out += (out.empty() ? "" : "; ") + sentence;
  return out;
}

ModuleFailure failure_for(SignatureVerdict verdict) {
  switch (verdict) {
    case SignatureVerdict::Valid: return ModuleFailure::None;
    case SignatureVerdict::Missing: return ModuleFailure::SignatureMissing;
    case SignatureVerdict::UnknownPublisher: return ModuleFailure::UnknownPublisher;
    case SignatureVerdict::PublisherUnusable: return ModuleFailure::PublisherUnusable;
    case SignatureVerdict::Malformed: return ModuleFailure::SignatureMalformed;
    case SignatureVerdict::Invalid: return ModuleFailure::SignatureInvalid;
  }
  return ModuleFailure::SignatureInvalid;
}

bool inside(const fs::path& path, const fs::path& root) {
  std::error_code error;
  const fs::path relative = fs::weakly_canonical(path, error).lexically_relative(fs::weakly_canonical(root, error));
  return !error && !relative.empty() && *relative.begin() != "..";
}

std::shared_ptr<const Bytes> read_module_file(const fs::path& path, std::uintmax_t size) {
  auto bytes = std::make_shared<Bytes>(static_cast<std::size_t>(size));
  std::ifstream in(path, std::ios::binary);
  if (!in || !in.read(reinterpret_cast<char*>(bytes->data()), static_cast<std::streamsize>(bytes->size()))) {
    return nullptr;
  }
  return bytes;
}

class ModuleChecker {
 public:
  ModuleChecker(const Config& config, const TrustStore& trust, bool trust_configured, const EngineCheck& engine_check)
      : config_(config), trust_(trust), trust_configured_(trust_configured), engine_check_(engine_check) {}

  ModuleRecord check(const ManifestEntry& entry) const {
    ModuleRecord record;
    record.entry = entry;
    Findings findings;
    if (entry.parse_error) {
      findings.block(ModuleFailure::MalformedEntry, "the manifest entry is malformed: " + *entry.parse_error);
      return finish(std::move(record), findings);
    }
    if (!enabled(entry.id)) {
      findings.block(ModuleFailure::NotEnabled,
                     "not enabled: its id is not in " + std::string(kModulesEnabledSetting) + ", so it is never run");
    }
    const fs::path module_path = config_.module_dir / entry.dir;
    // Absolute, so whoever serves gui/ later does not depend on the working directory.
    record.module_path = fs::absolute(module_path).lexically_normal().string();
    const auto bytes = check_file(record, module_path / entry.file, findings);
    check_module_json(entry, module_path, findings);
    check_hash(record, findings);
    check_signature(entry, findings);
    record.status.trusted = findings.unverified.empty() && !record.computed_hash.empty();
    record.status.compatible = check_version(entry, findings);
    const bool may_load = findings.blocking.empty() && record.status.compatible &&
                          (record.status.trusted || config_.allow_unverified_modules);
    if (may_load) {
      record.wasm = bytes;
      if (engine_check_) {
        if (auto refusal = engine_check_(record)) findings.block(ModuleFailure::EngineRefused, "the engine refused it: " + *refusal);
      }
    }
    return finish(std::move(record), findings);
  }

 private:
  bool enabled(const std::string& id) const {
    const auto& ids = config_.modules_enabled;
    return !ids || std::find(ids->begin(), ids->end(), id) != ids->end();
  }

  std::shared_ptr<const Bytes> check_file(ModuleRecord& record, const fs::path& file, Findings& findings) const {
    const std::string shown = record.entry.dir + "/" + record.entry.file;
    std::error_code error;
    if (!fs::is_regular_file(file, error)) {
      findings.block(ModuleFailure::FileMissing, "the module file " + shown + " does not exist in the module directory");
      return nullptr;
    }
    if (!inside(file, config_.module_dir)) {
      findings.block(ModuleFailure::OutsideModuleDir, "the module file " + shown + " resolves outside the module directory");
      return nullptr;
    }
    const std::uintmax_t size = fs::file_size(file, error);
    const std::uint64_t limit = record.entry.limits.max_binary_bytes;
    if (error || size > limit) {
      findings.block(ModuleFailure::TooLarge, "the module file is " + std::to_string(size) + " bytes, more than its limit of " +
                                                  std::to_string(limit) + " (limits.maxBinaryBytes)");
      return nullptr;
    }
    auto bytes = read_module_file(file, size);
    if (!bytes) {
      findings.block(ModuleFailure::FileMissing, "the module file " + shown + " cannot be read");
      return nullptr;
    }
    record.computed_hash = sha256_tagged(*bytes);
    return bytes;
  }

  static void check_module_json(const ManifestEntry& entry, const fs::path& module_path, Findings& findings) {
    try {
      const ModuleDescriptor descriptor = read_module_json(module_path);
      if (descriptor.id != entry.id) {
        findings.block(ModuleFailure::ModuleJsonMismatch,
                       "module.json in " + entry.dir + " names the module \"" + descriptor.id + "\", not \"" + entry.id + "\"");
      } else if (descriptor.version != entry.version) {
        findings.block(ModuleFailure::ModuleJsonMismatch, "module.json in " + entry.dir + " says version " +
                                                              descriptor.version + ", the manifest says " + entry.version);
      }
    } catch (const Error& error) {
      findings.block(ModuleFailure::ModuleJsonMismatch, error.what());
    }
  }

  static void check_hash(const ModuleRecord& record, Findings& findings) {
    if (record.entry.hash.empty()) {
      findings.distrust(ModuleFailure::HashMissing, "the entry has no hash; fill it in with `cryftee module sign`");
    } else if (!record.computed_hash.empty() && record.computed_hash != record.entry.hash) {
      findings.distrust(ModuleFailure::HashMismatch, "the module file hashes to " + record.computed_hash +
                                                         " but the signed entry says " + record.entry.hash +
                                                         ": the file was changed or replaced");
    }
  }

  void check_signature(const ManifestEntry& entry, Findings& findings) const {
    const SignatureCheck result = verify_entry_signature(entry, trust_);
    if (result.verdict == SignatureVerdict::Valid) return;
    if (result.verdict == SignatureVerdict::UnknownPublisher && !trust_configured_) {
      findings.distrust(ModuleFailure::UnknownPublisher,
                        "no trust file is configured (--trust-config or CRYFTEE_TRUST_CONFIG), so no publisher is trusted");
      return;
    }
    findings.distrust(failure_for(result.verdict), result.reason);
  }

  static bool check_version(const ManifestEntry& entry, Findings& findings) {
    if (entry.min_cryftee_version.empty()) return true;
    const auto needed = parse_semver(entry.min_cryftee_version);
    const auto running = parse_semver(kCryfteeVersion);
    if (needed && running && compare_semver(*needed, *running) <= 0) return true;
    findings.block(ModuleFailure::Incompatible,
                   "needs cryftee >= " + entry.min_cryftee_version + ", this is " + std::string(kCryfteeVersion));
    return false;
  }

  ModuleRecord finish(ModuleRecord record, const Findings& findings) const {
    ModuleStatus& status = record.status;
    status.failure = findings.first;
    status.loaded = findings.blocking.empty() && status.compatible && record.wasm != nullptr;
    if (!status.loaded) {
      record.wasm.reset();
      std::vector<std::string> all = findings.blocking;
      all.insert(all.end(), findings.unverified.begin(), findings.unverified.end());
      status.reason = join(all);
    } else if (!status.trusted) {
      status.unverified = true;
      status.reason = "loaded WITHOUT verification because allow_unverified_modules is on: " + join(findings.unverified);
    }
    check_gui(record);
    return record;
  }

  static void check_gui(ModuleRecord& record) {
    if (!record.entry.gui) return;
    if (!record.status.loaded) {
      record.gui_reason = "the module is not loaded";
      return;
    }
    if (auto mismatch = gui_mismatch_reason(record.module_path, *record.entry.gui)) {
      record.gui_reason = *mismatch;
      return;
    }
    record.gui_verified = true;
    for (const auto& [path, hash] : record.entry.gui->files) record.gui_files.push_back(path);
  }

  const Config& config_;
  const TrustStore& trust_;
  bool trust_configured_;
  const EngineCheck& engine_check_;
};

// Two loaded modules claiming one family would make the choice depend on manifest order: fail closed.
void resolve_defaults(Registry& registry) {
  std::map<std::string, std::vector<std::string>> claims;
  for (const auto& record : registry.modules) {
    if (!record.status.loaded) continue;
    for (const auto& [family, is_default] : record.entry.default_for) {
      if (is_default) claims[family].push_back(record.entry.id);
    }
  }
  for (const auto& [family, ids] : claims) {
    if (ids.size() == 1) {
      registry.defaults[family] = ids.front();
      continue;
    }
    std::string names;
    for (const auto& id : ids) names += (names.empty() ? "" : ", ") + id;
    registry.problems.push_back("the modules " + names + " all claim to be the default for \"" + family +
                                "\", so none of them is; set defaultFor." + family + " to true in only one");
  }
}

// An enabled id the manifest lacks is likely a typo or a module missing from this bundle: say so in status.
void report_unknown_enabled_ids(const Config& config, Registry& registry) {
  if (!config.modules_enabled) return;
  for (const std::string& id : *config.modules_enabled) {
    if (registry.find(id) != nullptr) continue;
    registry.unknown_enabled_ids.push_back(id);
    registry.problems.push_back(std::string(kModulesEnabledSetting) + " names \"" + id +
                                "\", which is not in the manifest " + registry.manifest_path);
  }
}

void log_verdict(const ModuleRecord& record) {
  const ModuleStatus& status = record.status;
  if (status.unverified) {
    log::warn("module_loaded_unverified",
              {{"module", record.entry.id},
               {"version", record.entry.version},
               {"warning", "allow_unverified_modules is on: this module runs although its hash or signature did not verify"},
               {"reason", status.reason}});
  } else if (status.loaded) {
    log::info("module_loaded", {{"module", record.entry.id}, {"version", record.entry.version}, {"hash", record.computed_hash}});
  } else if (status.failure == ModuleFailure::NotEnabled) {
    // The operator's choice, not a fault: said at info level, with whatever else the checks found.
    log::info("module_not_enabled", {{"module", record.entry.id}, {"reason", status.reason}});
  } else {
    log::warn("module_refused",
              {{"module", record.entry.id}, {"failure", module_failure_name(status.failure)}, {"reason", status.reason}});
  }
}

}  // namespace

std::shared_ptr<const Registry> build_registry(const Config& config, std::uint64_t epoch, const EngineCheck& engine_check) {
  auto registry = std::make_shared<Registry>();
  registry->epoch = epoch;
  const fs::path manifest_path =
      config.manifest_path.empty() ? config.module_dir / defaults::kManifestFile : config.manifest_path;
  registry->manifest_path = manifest_path.string();
  const auto manifest_text = read_small_file(manifest_path, manifest_limits::kMaxManifestBytes);
  if (!manifest_text) {
    throw internal_error("the manifest " + manifest_path.string() +
                             " does not exist; build the modules or point --manifest-path at one",
                         "manifest_missing");
  }
  registry->manifest_hash = sha256_tagged(as_bytes(*manifest_text));
  const Manifest manifest = parse_manifest(*manifest_text);

  TrustStore trust;
  if (config.trust_config) {
    registry->trust_path = config.trust_config->string();
    const auto trust_text = read_small_file(*config.trust_config, manifest_limits::kMaxTrustFileBytes);
    if (!trust_text) {
      throw internal_error("the trust file " + registry->trust_path + " does not exist; create one with `cryftee module keygen --trust-out`",
                           "trust_file_missing");
    }
    registry->trust_hash = sha256_tagged(as_bytes(*trust_text));
    trust = parse_trust_file(*trust_text);
  }

  if (config.allow_unverified_modules) {
    log::warn("unverified_modules_allowed",
              {{"warning", "allow_unverified_modules is on: modules whose hash or signature fails WILL RUN; never use this in production"}});
  }
  const ModuleChecker checker(config, trust, config.trust_config.has_value(), engine_check);
  for (const auto& entry : manifest.modules) {
    registry->modules.push_back(checker.check(entry));
    log_verdict(registry->modules.back());
  }
  report_unknown_enabled_ids(config, *registry);
  resolve_defaults(*registry);
  for (const auto& problem : registry->problems) log::warn("registry_problem", {{"problem", problem}});
  return registry;
}

}  // namespace cryftee::runtime
