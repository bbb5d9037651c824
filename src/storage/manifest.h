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

namespace cryftee {

struct ModuleLimits {
  std::uint32_t memory_pages = 256;        // 64 KiB pages: 16 MiB
  std::uint32_t deadline_ms = 2000;        // per call
  std::uint64_t max_binary_bytes = 8 << 20;
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
  std::string publisher_id;
  std::string hash;       // "sha256:<hex>"
  std::string signature;  // base64 Ed25519 over signing_payload(entry)
  nlohmann::json raw;     // the entry exactly as parsed, used for canonical signing
  std::optional<std::string> parse_error;  // set when the entry is malformed
};

struct Manifest {
  std::string version;
  std::vector<ManifestEntry> modules;
};

// Throws cryftee::Error (400 "bad_manifest") when the document as a whole is unusable (not JSON, no
// "modules" array); per-entry problems are recorded in ManifestEntry::parse_error instead.
Manifest parse_manifest(const std::string& text);

}  // namespace cryftee
