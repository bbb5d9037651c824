#pragma once
// A module's own module.json, shipped in its directory next to the binary. The registry refuses a
// module whose module.json names a different id or version than its manifest entry, so a binary
// cannot be served under another module's name.
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace cryftee {

inline constexpr const char* kModuleJsonFile = "module.json";

struct ModuleDescriptor {
  std::string id;
  std::string version;
  nlohmann::json raw;  // the whole document; the build pipeline copies its fields into the manifest entry
};

// Throws cryftee::Error (400 "bad_module_json") when the text is not a JSON object with string "id" and
// semver "version".
ModuleDescriptor parse_module_json(const std::string& text);

// Reads and parses <dir>/module.json. Throws cryftee::Error: 404 "module_json_missing" when absent,
// 400 "bad_module_json" when too large or malformed.
ModuleDescriptor read_module_json(const std::filesystem::path& dir);

}  // namespace cryftee
