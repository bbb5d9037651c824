#pragma once
// What the daemon knows about its modules: every manifest entry with its verdicts, the bytes of those
// that passed every check, and which module is the default for each capability family. A Registry is
// immutable once built; RegistryHolder swaps whole registries atomically (reload), and requests keep the
// shared_ptr they started with.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "manifest/manifest.h"
#include "util/bytes.h"

namespace cryftee::runtime {

// The first check a module failed, in the order the loader checks them. Reasons for people are in
// ModuleStatus::reason; this is for code and for the machine-readable "failure" field.
enum class ModuleFailure {
  None,
  MalformedEntry,      // the manifest entry breaks a rule (types, paths, duplicate id, ...)
  NotEnabled,          // Config::modules_enabled is set and does not name it (still verified, never run)
  FileMissing,         // the module file cannot be read
  OutsideModuleDir,    // the file resolves outside the module directory (through a symlink)
  TooLarge,            // the file is larger than its limits.maxBinaryBytes
  ModuleJsonMismatch,  // module.json is missing, malformed, or names another id or version
  HashMissing,         // the entry has no "hash"
  HashMismatch,        // the file's sha256 differs from the entry's "hash"
  SignatureMissing,    // no publisherId or no signature
  UnknownPublisher,    // publisherId is not in the trust file
  PublisherUnusable,   // the trust file's entry for the publisher is unusable (algo, key)
  SignatureMalformed,  // not base64 of 64 bytes
  SignatureInvalid,    // does not verify
  Incompatible,        // minCryfteeVersion is newer than this runtime
  EngineRefused,       // the engine does not accept the module
};

// "hash_mismatch", "signature_invalid", ...: stable snake_case names for JSON.
const char* module_failure_name(ModuleFailure failure);

struct ModuleStatus {
  bool trusted = false;     // hash matches and the publisher's signature verifies against the trust file
  bool compatible = false;  // minCryfteeVersion <= this runtime's version
  bool loaded = false;      // trusted, compatible and accepted by the engine: may be executed
  std::string reason;       // why not, for people; empty when loaded and verified
  ModuleFailure failure = ModuleFailure::None;
  // Loaded although its hash or signature did not verify, because Config::allow_unverified_modules is
  // on (development only); reason then says what failed.
  bool unverified = false;
};

struct ModuleRecord {
  ManifestEntry entry;
  std::string computed_hash;  // "sha256:<hex>" of the file as read; empty when unreadable
  ModuleStatus status;
  std::shared_ptr<const Bytes> wasm;  // set only when status.loaded
  std::string module_path;            // absolute <module dir>/<entry.dir>, where module.json and gui/ live
  // The kiosk serves <module_path>/gui/ only when gui_verified: the module is loaded and the folder
  // holds exactly the files entry.gui lists, with the listed hashes. gui_files are then those paths
  // (relative to gui/); otherwise gui_reason says why not (empty when the entry has no gui).
  bool gui_verified = false;
  std::vector<std::string> gui_files;
  std::string gui_reason;
};

// True when the module's manifest entry declares the capability (an operation it offers).
bool declares(const ModuleRecord& record, const std::string& capability);

struct Registry {
  std::uint64_t epoch = 0;  // increases with every successful (re)load
  std::string manifest_path;
  std::string manifest_hash;  // "sha256:<hex>" of manifest.json as read
  std::string trust_path;
  std::string trust_hash;  // "sha256:<hex>" of the trust file, empty when none
  std::vector<ModuleRecord> modules;
  std::map<std::string, std::string> defaults;  // capability family -> module id
  std::vector<std::string> problems;            // registry-wide, e.g. two modules claiming one default
  // Ids in Config::modules_enabled that no manifest entry has (also described in problems).
  std::vector<std::string> unknown_enabled_ids;

  const ModuleRecord* find(const std::string& id) const;
  // The loaded default module for a capability family ("bls", "tls"), or nullptr.
  const ModuleRecord* default_for(const std::string& family) const;
  // The module that serves `capability` ("bls_sign") for every client: the loaded default for `family`
  // when it declares the capability. Throws cryftee::Error 503 no_module saying what to load otherwise.
  const ModuleRecord& serving(const std::string& family, const std::string& capability) const;
};

class RegistryHolder {
 public:
  std::shared_ptr<const Registry> current() const {
    std::lock_guard lock(mutex_);
    return registry_;
  }
  void replace(std::shared_ptr<const Registry> next) {
    std::lock_guard lock(mutex_);
    registry_ = std::move(next);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const Registry> registry_ = std::make_shared<Registry>();
};

}  // namespace cryftee::runtime
