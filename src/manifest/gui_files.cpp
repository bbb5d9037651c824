#include "manifest/gui_files.h"

#include "crypto/sha256.h"
#include "manifest/limits.h"
#include "manifest/safe_path.h"
#include "util/encoding.h"
#include "util/error.h"

namespace cryftee {
namespace {

Error bad_gui_folder(const std::string& message) { return bad_request(message, "bad_gui_folder"); }

}  // namespace

std::map<std::string, std::string> hash_gui_folder(const std::filesystem::path& gui_dir) {
  namespace fs = std::filesystem;
  std::map<std::string, std::string> files;
  std::error_code error;
  if (!fs::is_directory(fs::symlink_status(gui_dir, error))) {
    throw bad_gui_folder(gui_dir.string() + " is not a directory");
  }
  fs::recursive_directory_iterator it(gui_dir, error), end;
  if (error) throw bad_gui_folder("cannot list " + gui_dir.string() + ": " + error.message());
  for (; it != end; it.increment(error)) {
    if (error) throw bad_gui_folder("cannot list " + gui_dir.string() + ": " + error.message());
    const fs::file_status status = it->symlink_status();
    const std::string relative = it->path().lexically_relative(gui_dir).generic_string();
    if (fs::is_directory(status)) continue;
    if (!fs::is_regular_file(status)) {
      throw bad_gui_folder("gui/" + relative + " is a symlink or special file; only regular files may be served");
    }
    if (auto reason = unsafe_path_reason(relative)) throw bad_gui_folder("the gui file name \"" + relative + "\" " + *reason);
    if (it->file_size() > manifest_limits::kMaxGuiFileBytes) {
      throw bad_gui_folder("gui/" + relative + " is larger than " + std::to_string(manifest_limits::kMaxGuiFileBytes) +
                           " bytes");
    }
    if (files.size() == manifest_limits::kMaxGuiFiles) {
      throw bad_gui_folder(gui_dir.string() + " holds more than " + std::to_string(manifest_limits::kMaxGuiFiles) + " files");
    }
    files[relative] = "sha256:" + hex_encode(sha256_file(it->path()));
  }
  return files;
}

std::optional<std::string> gui_mismatch_reason(const std::filesystem::path& module_path, const ModuleGui& gui) {
  std::map<std::string, std::string> found;
  try {
    found = hash_gui_folder(module_path / kGuiFolder);
  } catch (const Error& error) {
    return std::string(error.what());
  }
  for (const auto& [path, hash] : gui.files) {
    const auto it = found.find(path);
    if (it == found.end()) return "gui/" + path + " is listed in the manifest but missing";
    if (it->second != hash) return "gui/" + path + " does not match the hash in the signed manifest entry";
  }
  for (const auto& [path, hash] : found) {
    if (!gui.files.contains(path)) return "gui/" + path + " is not listed in the signed manifest entry";
  }
  return std::nullopt;
}

}  // namespace cryftee
