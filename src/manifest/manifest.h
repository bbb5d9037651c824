#pragma once
// manifest.json and the entries in it. Parsing is strict about types and paths: an entry that is
// malformed is kept with its parse error so the registry can list it as not loaded, and the others
// still load.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "manifest/limits.h"

namespace cryftee {

struct ModuleLimits {
  std::uint32_t memory_pages = manifest_limits::kDefaultMemoryPages;  // 64 KiB pages
  std::uint32_t deadline_ms = manifest_limits::kDefaultDeadlineMs;    // per call
  std::uint64_t max_binary_bytes = manifest_limits::kDefaultMaxBinaryBytes;
};

// The module's operator page: files under <dir>/gui/, each pinned by hash in the signed entry.
struct ModuleGui {
  std::string entry;                          // page to open, relative to gui/ (default "index.html")
  std::map<std::string, std::string> files;   // path relative to gui/ -> "sha256:<hex>"
};

struct ManifestEntry {
  std::string id;
  std::string dir;   // relative to the module dir, no "..", not absolute
  std::string file;  // relative to dir, same rules
  std::string version;
  std::string min_cryftee_version;
  std::string description;
  std::vector<std::string> capabilities;
  std::map<std::string, bool> default_for;  // capability family ("bls", "tls") -> default?
  std::vector<std::string> imports;         // host imports this module is granted
  ModuleLimits limits;
  std::optional<ModuleGui> gui;
  std::string publisher_id;
  std::string hash;       // "sha256:<hex>"; empty when the entry has none yet (unsigned)
  std::string signature;  // base64 Ed25519 over entry_signing_payload(raw); empty when unsigned
  nlohmann::json raw;     // the entry exactly as parsed, used for canonical signing
  std::optional<std::string> parse_error;  // set when the entry is malformed
};

struct Manifest {
  std::string version;
  std::vector<ManifestEntry> modules;
};

// Throws cryftee::Error (400 "bad_manifest") when the document as a whole is unusable (not JSON, a key
// twice in one object, no "modules" array, more than manifest_limits::kMaxModules entries); per-entry
// problems are recorded in ManifestEntry::parse_error instead. An id used by more than one entry is a
// parse_error on every entry that uses it.
Manifest parse_manifest(const std::string& text);

// One entry, checked on its own (types, required fields, safe paths, semver, limits). Never throws.
ManifestEntry parse_manifest_entry(const nlohmann::json& raw);

// The members an entry may have, for error messages and the schema route.
const std::vector<std::string>& manifest_entry_fields();

}  // namespace cryftee
