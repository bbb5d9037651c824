#include "manifest/manifest.h"

#include <algorithm>
#include <set>

#include "manifest/safe_path.h"
#include "manifest/semver.h"
#include "manifest/strict_json.h"
#include "util/error.h"

namespace cryftee {
namespace {

// Thrown inside entry parsing with the first problem found; becomes ManifestEntry::parse_error.
struct EntryProblem {
  std::string message;
};

[[noreturn]] void reject(const std::string& message) { throw EntryProblem{message}; }

bool is_id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
         c == '.';
}

bool is_name_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

bool is_sha256_tag(const std::string& text) {
  static constexpr std::string_view kPrefix = "sha256:";
  if (text.size() != kPrefix.size() + 64 || text.compare(0, kPrefix.size(), kPrefix) != 0) return false;
  return std::all_of(text.begin() + kPrefix.size(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

const nlohmann::json* member(const nlohmann::json& object, const char* name) {
  const auto it = object.find(name);
  return it == object.end() ? nullptr : &*it;
}

std::string read_string(const nlohmann::json& object, const char* name, bool required) {
  const nlohmann::json* value = member(object, name);
  if (!value) {
    if (required) reject(std::string("the field \"") + name + "\" is missing");
    return {};
  }
  if (!value->is_string()) reject(std::string("\"") + name + "\" must be a string");
  return value->get<std::string>();
}

std::string read_id(const nlohmann::json& object) {
  std::string id = read_string(object, "id", true);
  if (id.empty() || id.size() > manifest_limits::kMaxIdLength || id.front() == '.' || id.front() == '-' ||
      !std::all_of(id.begin(), id.end(), is_id_char)) {
    reject("\"id\" must be 1 to " + std::to_string(manifest_limits::kMaxIdLength) +
           " letters, digits, '_', '-' or '.', not starting with '.' or '-'");
  }
  return id;
}

std::string read_path(const nlohmann::json& object, const char* name) {
  std::string path = read_string(object, name, true);
  if (auto reason = unsafe_path_reason(path)) reject(std::string("\"") + name + "\" " + *reason);
  return path;
}

std::string read_semver(const nlohmann::json& object, const char* name, bool required) {
  std::string text = read_string(object, name, required);
  if (member(object, name) && !parse_semver(text)) {
    reject(std::string("\"") + name + "\" is \"" + text + "\", which is not a semantic version like 1.2.3");
  }
  return text;
}

void check_name(const std::string& name, const std::string& where) {
  if (name.empty() || !std::all_of(name.begin(), name.end(), is_name_char)) {
    reject(where + " \"" + name + "\" must be lower-case letters, digits and '_'");
  }
}

std::vector<std::string> read_name_list(const nlohmann::json& object, const char* name) {
  const nlohmann::json* value = member(object, name);
  if (!value) return {};
  if (!value->is_array()) reject(std::string("\"") + name + "\" must be an array of strings");
  if (value->size() > manifest_limits::kMaxListLength) {
    reject(std::string("\"") + name + "\" has more than " + std::to_string(manifest_limits::kMaxListLength) + " items");
  }
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (const auto& item : *value) {
    if (!item.is_string()) reject(std::string("\"") + name + "\" must be an array of strings");
    std::string text = item.get<std::string>();
    check_name(text, std::string("an item of \"") + name + "\"");
    if (!seen.insert(text).second) reject(std::string("\"") + name + "\" lists \"" + text + "\" twice");
    names.push_back(std::move(text));
  }
  return names;
}

std::map<std::string, bool> read_default_for(const nlohmann::json& object) {
  const nlohmann::json* value = member(object, "defaultFor");
  if (!value) return {};
  if (!value->is_object()) reject("\"defaultFor\" must be an object of capability family -> true/false");
  std::map<std::string, bool> families;
  for (const auto& [family, flag] : value->items()) {
    check_name(family, "the defaultFor family");
    if (!flag.is_boolean()) reject("\"defaultFor." + family + "\" must be true or false");
    families[family] = flag.get<bool>();
  }
  return families;
}

std::uint64_t read_positive(const nlohmann::json& limits, const char* name, std::uint64_t fallback,
                            std::uint64_t maximum) {
  const nlohmann::json* value = member(limits, name);
  if (!value) return fallback;
  // Parsed JSON holds positive integers as unsigned, values built in code as signed: accept both.
  const bool positive = value->is_number_unsigned() || (value->is_number_integer() && value->get<std::int64_t>() > 0);
  if (!positive || value->get<std::uint64_t>() == 0 || value->get<std::uint64_t>() > maximum) {
    reject(std::string("\"limits.") + name + "\" must be a whole number from 1 to " + std::to_string(maximum));
  }
  return value->get<std::uint64_t>();
}

ModuleLimits read_limits(const nlohmann::json& object) {
  ModuleLimits limits;
  const nlohmann::json* value = member(object, "limits");
  if (!value) return limits;
  if (!value->is_object()) reject("\"limits\" must be an object");
  for (const auto& [key, unused] : value->items()) {
    if (key != "memoryPages" && key != "deadlineMs" && key != "maxBinaryBytes") {
      reject("\"limits\" has the unknown field \"" + key + "\" (known: memoryPages, deadlineMs, maxBinaryBytes)");
    }
  }
  limits.memory_pages = static_cast<std::uint32_t>(
      read_positive(*value, "memoryPages", limits.memory_pages, manifest_limits::kMaxMemoryPages));
  limits.deadline_ms = static_cast<std::uint32_t>(
      read_positive(*value, "deadlineMs", limits.deadline_ms, manifest_limits::kMaxDeadlineMs));
  limits.max_binary_bytes =
      read_positive(*value, "maxBinaryBytes", limits.max_binary_bytes, manifest_limits::kMaxBinaryBytes);
  return limits;
}

std::optional<ModuleGui> read_gui(const nlohmann::json& object) {
  const nlohmann::json* value = member(object, "gui");
  if (!value) return std::nullopt;
  if (!value->is_object()) reject("\"gui\" must be an object {\"entry\": ..., \"files\": {...}}");
  for (const auto& [key, unused] : value->items()) {
    if (key != "entry" && key != "files") reject("\"gui\" has the unknown field \"" + key + "\" (known: entry, files)");
  }
  ModuleGui gui;
  gui.entry = member(*value, "entry") ? read_string(*value, "entry", true) : "index.html";
  if (auto reason = unsafe_path_reason(gui.entry)) reject("\"gui.entry\" " + *reason);
  const nlohmann::json* files = member(*value, "files");
  if (!files || !files->is_object()) reject("\"gui.files\" must be an object of path -> \"sha256:<hex>\"");
  if (files->size() > manifest_limits::kMaxGuiFiles) {
    reject("\"gui.files\" lists more than " + std::to_string(manifest_limits::kMaxGuiFiles) + " files");
  }
  for (const auto& [path, hash] : files->items()) {
    if (auto reason = unsafe_path_reason(path)) reject("the gui file \"" + path + "\" " + *reason);
    if (!hash.is_string() || !is_sha256_tag(hash.get<std::string>())) {
      reject("the hash of gui file \"" + path + "\" must be \"sha256:\" and 64 lower-case hex digits");
    }
    gui.files[path] = hash.get<std::string>();
  }
  if (!gui.files.contains(gui.entry)) reject("\"gui.entry\" \"" + gui.entry + "\" is not listed in \"gui.files\"");
  return gui;
}

void parse_entry_fields(const nlohmann::json& raw, ManifestEntry& entry) {
  if (!raw.is_object()) reject("a manifest entry must be a JSON object");
  // The id first, so every later problem can be reported against the module it belongs to.
  entry.id = read_id(raw);
  const auto& known = manifest_entry_fields();
  for (const auto& [key, unused] : raw.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) reject("unknown field \"" + key + "\"");
  }
  entry.dir = read_path(raw, "dir");
  entry.file = read_path(raw, "file");
  entry.version = read_semver(raw, "version", true);
  entry.min_cryftee_version = read_semver(raw, "minCryfteeVersion", false);
  entry.description = read_string(raw, "description", false);
  entry.capabilities = read_name_list(raw, "capabilities");
  entry.imports = read_name_list(raw, "imports");
  entry.default_for = read_default_for(raw);
  entry.limits = read_limits(raw);
  entry.gui = read_gui(raw);
  entry.publisher_id = read_string(raw, "publisherId", false);
  entry.hash = read_string(raw, "hash", false);
  if (member(raw, "hash") && !is_sha256_tag(entry.hash)) {
    reject("\"hash\" must be \"sha256:\" followed by 64 lower-case hex digits");
  }
  entry.signature = read_string(raw, "signature", false);
}

}  // namespace

const std::vector<std::string>& manifest_entry_fields() {
  static const std::vector<std::string> fields = {
      "id",     "dir",     "file",   "version", "minCryfteeVersion", "description", "capabilities", "defaultFor",
      "imports", "limits", "gui",    "publisherId", "hash",         "signature"};
  return fields;
}

ManifestEntry parse_manifest_entry(const nlohmann::json& raw) {
  ManifestEntry entry;
  entry.raw = raw;
  try {
    parse_entry_fields(raw, entry);
  } catch (const EntryProblem& problem) {
    entry.parse_error = problem.message;
  }
  return entry;
}

Manifest parse_manifest(const std::string& text) {
  if (text.size() > manifest_limits::kMaxManifestBytes) {
    throw bad_request("manifest.json is larger than " + std::to_string(manifest_limits::kMaxManifestBytes) + " bytes",
                      "bad_manifest");
  }
  const nlohmann::json document = parse_strict_json(text, "manifest.json", "bad_manifest");
  if (!document.is_object()) throw bad_request("manifest.json must be a JSON object", "bad_manifest");
  for (const auto& [key, unused] : document.items()) {
    if (key != "version" && key != "modules") {
      throw bad_request("manifest.json has the unknown top-level field \"" + key + "\" (known: version, modules)",
                        "bad_manifest");
    }
  }
  Manifest manifest;
  if (const auto version = document.find("version"); version != document.end()) {
    if (!version->is_string()) throw bad_request("manifest.json: \"version\" must be a string", "bad_manifest");
    manifest.version = version->get<std::string>();
  }
  const auto modules = document.find("modules");
  if (modules == document.end() || !modules->is_array()) {
    throw bad_request("manifest.json has no \"modules\" array", "bad_manifest");
  }
  if (modules->size() > manifest_limits::kMaxModules) {
    throw bad_request("manifest.json lists more than " + std::to_string(manifest_limits::kMaxModules) + " modules",
                      "bad_manifest");
  }
  for (const auto& raw : *modules) manifest.modules.push_back(parse_manifest_entry(raw));

  std::map<std::string, int> uses;
  for (const auto& entry : manifest.modules) {
    if (!entry.id.empty()) ++uses[entry.id];
  }
  for (auto& entry : manifest.modules) {
    if (!entry.id.empty() && uses[entry.id] > 1 && !entry.parse_error) {
      entry.parse_error = "the id \"" + entry.id + "\" is used by " + std::to_string(uses[entry.id]) +
                          " entries; ids must be unique, so none of them is loaded";
    }
  }
  return manifest;
}

}  // namespace cryftee
