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

#include "storage/manifest.h"
#include "util/bytes.h"

namespace cryftee {

struct ModuleStatus {
  bool trusted = false;     // hash matches and the publisher's signature verifies against the trust file
  bool compatible = false;  // minCryfteeVersion <= this runtime's version
  bool loaded = false;      // trusted, compatible and accepted by the engine: may be executed
  std::string reason;       // why not, for people; empty when loaded
};

struct ModuleRecord {
  ManifestEntry entry;
  std::string computed_hash;  // "sha256:<hex>" of the file as read; empty when unreadable
  ModuleStatus status;
  std::shared_ptr<const Bytes> wasm;  // set only when status.loaded
};

struct Registry {
  std::uint64_t epoch = 0;  // increases with every successful (re)load
  std::string manifest_path;
  std::string manifest_hash;  // "sha256:<hex>" of manifest.json as read
  std::string trust_path;
  std::string trust_hash;  // "sha256:<hex>" of the trust file, empty when none
  std::vector<ModuleRecord> modules;
  std::map<std::string, std::string> defaults;  // capability family -> module id
  std::vector<std::string> problems;            // registry-wide, e.g. two modules claiming one default

  const ModuleRecord* find(const std::string& id) const;
  // The loaded default module for a capability family ("bls", "tls"), or nullptr.
  const ModuleRecord* default_for(const std::string& family) const;
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

}  // namespace cryftee
