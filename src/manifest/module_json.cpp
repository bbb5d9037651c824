#include "manifest/module_json.h"

#include "manifest/file_reader.h"
#include "manifest/limits.h"
#include "manifest/semver.h"
#include "manifest/strict_json.h"
#include "util/error.h"

namespace cryftee {

ModuleDescriptor parse_module_json(const std::string& text) {
  ModuleDescriptor descriptor;
  descriptor.raw = parse_strict_json(text, kModuleJsonFile, "bad_module_json");
  if (!descriptor.raw.is_object()) throw bad_request("module.json must be a JSON object", "bad_module_json");
  const auto id = descriptor.raw.find("id");
  const auto version = descriptor.raw.find("version");
  if (id == descriptor.raw.end() || !id->is_string() || id->get<std::string>().empty()) {
    throw bad_request("module.json has no string \"id\"", "bad_module_json");
  }
  if (version == descriptor.raw.end() || !version->is_string() || !parse_semver(version->get<std::string>())) {
    throw bad_request("module.json has no \"version\" that is a semantic version like 1.2.3", "bad_module_json");
  }
  descriptor.id = id->get<std::string>();
  descriptor.version = version->get<std::string>();
  return descriptor;
}

ModuleDescriptor read_module_json(const std::filesystem::path& dir) {
  const std::filesystem::path path = dir / kModuleJsonFile;
  const auto text = read_small_file(path, manifest_limits::kMaxModuleJsonBytes);
  if (!text) throw not_found(path.string() + " does not exist; every module ships its module.json", "module_json_missing");
  return parse_module_json(*text);
}

}  // namespace cryftee
