#include "manifest/manifest_signer.h"

#include "crypto/sha256.h"
#include "manifest/entry_signature.h"
#include "manifest/gui_files.h"
#include "manifest/manifest.h"
#include "manifest/safe_path.h"
#include "manifest/trust.h"
#include "util/encoding.h"
#include "util/error.h"

namespace cryftee {
namespace {

Error entry_error(const std::string& id, const std::string& message) {
  return bad_request("module \"" + id + "\": " + message, "bad_manifest");
}

std::string path_member(const nlohmann::json& entry, const std::string& id, const char* name) {
  const auto it = entry.find(name);
  if (it == entry.end() || !it->is_string()) throw entry_error(id, std::string("\"") + name + "\" must be a string");
  const std::string path = it->get<std::string>();
  if (auto reason = unsafe_path_reason(path)) throw entry_error(id, std::string("\"") + name + "\" " + *reason);
  return path;
}

void fill_and_sign(nlohmann::json& entry, const std::string& id, const std::filesystem::path& module_dir,
                   const std::string& publisher_id, ByteView seed) {
  const std::filesystem::path module_path = module_dir / path_member(entry, id, "dir");
  const std::filesystem::path file = module_path / path_member(entry, id, "file");
  if (!std::filesystem::is_regular_file(file)) throw entry_error(id, "the module file " + file.string() + " does not exist");
  entry["publisherId"] = publisher_id;
  entry["hash"] = "sha256:" + hex_encode(sha256_file(file));
  if (auto gui = entry.find("gui"); gui != entry.end() && gui->is_object()) {
    try {
      (*gui)["files"] = hash_gui_folder(module_path / kGuiFolder);
    } catch (const Error& error) {
      throw entry_error(id, error.what());
    }
  }
  entry.erase("signature");
  // Refuse to sign what the daemon would refuse to load.
  const ManifestEntry parsed = parse_manifest_entry(entry);
  if (parsed.parse_error) throw entry_error(id, *parsed.parse_error);
  entry["signature"] = sign_entry(entry, seed);
}

}  // namespace

std::vector<SignedEntry> sign_manifest(nlohmann::json& manifest, const std::filesystem::path& module_dir,
                                       const std::string& publisher_id, ByteView seed,
                                       const std::optional<std::string>& only_id) {
  if (auto reason = invalid_publisher_id_reason(publisher_id)) throw bad_request(*reason, "bad_publisher_id");
  // Check the document as the daemon will, before and after: nothing is signed into an unusable manifest.
  parse_manifest(manifest.dump());
  nlohmann::json result = manifest;
  std::vector<SignedEntry> signed_entries;
  for (auto& entry : result["modules"]) {
    const auto id_member = entry.is_object() ? entry.find("id") : entry.end();
    if (id_member == entry.end() || !id_member->is_string()) {
      throw bad_request("an entry of manifest.json has no string \"id\"", "bad_manifest");
    }
    const std::string id = id_member->get<std::string>();
    if (only_id && id != *only_id) continue;
    fill_and_sign(entry, id, module_dir, publisher_id, seed);
    signed_entries.push_back({id, entry.value("version", ""), entry["hash"].get<std::string>()});
  }
  if (only_id && signed_entries.empty()) throw not_found("manifest.json has no module \"" + *only_id + "\"", "unknown_module");
  for (const auto& entry : parse_manifest(result.dump()).modules) {
    if (entry.parse_error && (!only_id || entry.id == *only_id)) throw entry_error(entry.id, *entry.parse_error);
  }
  manifest = std::move(result);
  return signed_entries;
}

}  // namespace cryftee
