#pragma once
// A module's own web page: the files of its gui/ folder, each listed with its SHA-256 in the module's
// signed manifest entry ("gui": {"entry": "index.html", "files": {"index.html": "sha256:<hex>", ...}}).
// A file is only ever handed out after its bytes were read and found to match the signed hash, and only
// when the entry's publisher signature verified (the registry's `trusted` verdict).
#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "config/config.h"
#include "runtime/registry.h"

namespace cryftee::http {

inline constexpr std::size_t kMaxGuiFileBytes = 4 << 20;  // 4 MiB per file
inline constexpr std::size_t kMaxGuiFiles = 256;
inline constexpr const char* kGuiFolder = "gui";  // inside the module's own dir

struct ModuleGui {
  std::string entry;                          // path of the first page, one of `files`
  std::map<std::string, std::string> files;   // path relative to gui/ -> "sha256:<hex>"
};

// The gui declaration of a manifest entry: nullopt when it has none; throws cryftee::Error (422
// "bad_gui_declaration") when it is malformed (bad paths, missing entry, hashes not "sha256:<hex>").
std::optional<ModuleGui> module_gui(const ManifestEntry& entry);

// True for "a/b.js"-style relative paths of letters, digits, '.', '-', '_' segments; no "..", no
// empty segments, no leading '/'.
bool safe_gui_path(const std::string& path);

// Where a module's gui file lives on disk: {module_dir}/{entry.dir}/gui/{path}.
std::filesystem::path gui_file_path(const Config& config, const ManifestEntry& entry, const std::string& path);

// Reads one listed file and checks it against its signed hash. Throws cryftee::Error: 403
// "module_untrusted" when the entry's signature did not verify, 404 "gui_file_not_listed", 403
// "gui_file_tampered" when the bytes do not match, 413 when too large, 404 when unreadable.
std::string read_verified_gui_file(const Config& config, const ModuleRecord& record, const ModuleGui& gui,
                                   const std::string& path);

// Checks every listed file; returns the first reason the page may not be shown, nullopt when all verify.
std::optional<std::string> gui_problem(const Config& config, const ModuleRecord& record, const ModuleGui& gui);

}  // namespace cryftee::http
