#include "http/module_gui_files.h"

#include <fstream>
#include <iterator>

#include "crypto/sha256.h"
#include "util/error.h"

namespace cryftee::http {
namespace {

Error bad_declaration(const std::string& id, const std::string& what) {
  return Error(422, "bad_gui_declaration", "module '" + id + "' declares its web page wrongly: " + what +
                                               "; fix the \"gui\" object of its manifest entry and sign it again");
}

bool is_tagged_sha256(const std::string& text) {
  constexpr std::string_view kPrefix = "sha256:";
  if (text.size() != kPrefix.size() + 64 || !text.starts_with(kPrefix)) return false;
  for (std::size_t i = kPrefix.size(); i < text.size(); ++i) {
    const char c = text[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string read_file_limited(const std::filesystem::path& path, const std::string& shown_name) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec || !std::filesystem::is_regular_file(path, ec)) {
    throw not_found("web page file '" + shown_name + "' is missing from the module folder; reinstall the module",
                    "gui_file_missing");
  }
  if (size > kMaxGuiFileBytes) {
    throw Error(413, "gui_file_too_large", "web page file '" + shown_name + "' is larger than " +
                                               std::to_string(kMaxGuiFileBytes) + " bytes");
  }
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) throw not_found("web page file '" + shown_name + "' cannot be read", "gui_file_missing");
  if (bytes.size() > kMaxGuiFileBytes) {
    throw Error(413, "gui_file_too_large", "web page file '" + shown_name + "' grew beyond the size limit");
  }
  return bytes;
}

}  // namespace

bool safe_gui_path(const std::string& path) {
  if (path.empty() || path.size() > 255 || path.front() == '/' || path.back() == '/') return false;
  std::size_t segment_start = 0;
  for (std::size_t i = 0; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '/') {
      const std::string_view segment(path.data() + segment_start, i - segment_start);
      if (segment.empty() || segment == "." || segment == ".." || segment.front() == '.') return false;
      segment_start = i + 1;
      continue;
    }
    const char c = path[i];
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                         c == '.' || c == '-' || c == '_';
    if (!allowed) return false;
  }
  return true;
}

std::optional<ModuleGui> module_gui(const ManifestEntry& entry) {
  if (!entry.raw.is_object() || !entry.raw.contains("gui")) return std::nullopt;
  const nlohmann::json& gui = entry.raw["gui"];
  if (!gui.is_object()) throw bad_declaration(entry.id, "\"gui\" must be an object");
  if (!gui.contains("entry") || !gui["entry"].is_string()) throw bad_declaration(entry.id, "\"gui.entry\" must be a string");
  if (!gui.contains("files") || !gui["files"].is_object()) throw bad_declaration(entry.id, "\"gui.files\" must be an object");
  if (gui["files"].size() > kMaxGuiFiles) {
    throw bad_declaration(entry.id, "more than " + std::to_string(kMaxGuiFiles) + " files are listed");
  }
  ModuleGui result;
  result.entry = gui["entry"].get<std::string>();
  for (const auto& [path, hash] : gui["files"].items()) {
    if (!safe_gui_path(path)) throw bad_declaration(entry.id, "file path '" + path + "' is not a plain relative path");
    if (!hash.is_string() || !is_tagged_sha256(hash.get<std::string>())) {
      throw bad_declaration(entry.id, "the hash of '" + path + "' is not \"sha256:<64 lower-case hex>\"");
    }
    result.files.emplace(path, hash.get<std::string>());
  }
  if (!result.files.contains(result.entry)) {
    throw bad_declaration(entry.id, "the entry page '" + result.entry + "' is not one of the listed files");
  }
  return result;
}

std::filesystem::path gui_file_path(const Config& config, const ManifestEntry& entry, const std::string& path) {
  return config.module_dir / entry.dir / kGuiFolder / path;
}

std::string read_verified_gui_file(const Config& config, const ModuleRecord& record, const ModuleGui& gui,
                                   const std::string& path) {
  if (!record.status.trusted) {
    throw Error(403, "module_untrusted", "module '" + record.entry.id + "' is not trusted (" + record.status.reason +
                                             "), so its web page is not shown");
  }
  const auto listed = gui.files.find(path);
  if (listed == gui.files.end()) {
    throw not_found("'" + path + "' is not one of the signed web page files of module '" + record.entry.id + "'",
                    "gui_file_not_listed");
  }
  std::string bytes = read_file_limited(gui_file_path(config, record.entry, path), path);
  if (sha256_tagged(as_bytes(bytes)) != listed->second) {
    throw Error(403, "gui_file_tampered", "web page file '" + path + "' of module '" + record.entry.id +
                                              "' does not match its signed hash; reinstall the module");
  }
  return bytes;
}

std::optional<std::string> gui_problem(const Config& config, const ModuleRecord& record, const ModuleGui& gui) {
  for (const auto& [path, hash] : gui.files) {
    try {
      read_verified_gui_file(config, record, gui, path);
    } catch (const Error& error) {
      return error.what();
    }
  }
  return std::nullopt;
}

}  // namespace cryftee::http
