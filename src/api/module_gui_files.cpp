#include "api/module_gui_files.h"

#include <filesystem>
#include <fstream>
#include <iterator>

#include "crypto/sha256.h"
#include "manifest/gui_files.h"
#include "manifest/limits.h"
#include "manifest/safe_path.h"
#include "util/error.h"

namespace cryftee::api {
namespace {

Error missing(const std::string& id, const std::string& path) {
  return not_found("web page file '" + path + "' of module '" + id + "' is missing or not a regular file; reinstall the module",
                   "gui_file_missing");
}

Error too_large(const std::string& id, const std::string& path) {
  return Error(413, "gui_file_too_large", "web page file '" + path + "' of module '" + id + "' is larger than " +
                                              std::to_string(manifest_limits::kMaxGuiFileBytes) + " bytes");
}

std::string read_bounded(const std::filesystem::path& file, const std::string& id, const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (!fs::is_regular_file(fs::symlink_status(file, error))) throw missing(id, path);
  const auto size = fs::file_size(file, error);
  if (error) throw missing(id, path);
  if (size > manifest_limits::kMaxGuiFileBytes) throw too_large(id, path);
  std::ifstream in(file, std::ios::binary);
  if (!in) throw missing(id, path);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() > manifest_limits::kMaxGuiFileBytes) throw too_large(id, path);
  return bytes;
}

}  // namespace

std::string read_verified_gui_file(const runtime::ModuleRecord& record, const std::string& path) {
  const std::string& id = record.entry.id;
  if (!record.entry.gui) throw not_found("module '" + id + "' ships no web page", "module_has_no_gui");
  if (!record.gui_verified) {
    throw Error(403, "gui_not_verified", "the web page of module '" + id + "' is not shown: " +
                                             (record.gui_reason.empty() ? "the module is not loaded" : record.gui_reason));
  }
  const auto listed = record.entry.gui->files.find(path);
  if (listed == record.entry.gui->files.end() || unsafe_path_reason(path)) {
    throw not_found("'" + path + "' is not one of the signed web page files of module '" + id + "'", "gui_file_not_listed");
  }
  std::string bytes = read_bounded(std::filesystem::path(record.module_path) / kGuiFolder / path, id, path);
  if (sha256_tagged(as_bytes(bytes)) != listed->second) {
    throw Error(403, "gui_file_tampered", "web page file '" + path + "' of module '" + id +
                                              "' changed since it was verified against its signed hash; reinstall the module and reload");
  }
  return bytes;
}

}  // namespace cryftee::api
