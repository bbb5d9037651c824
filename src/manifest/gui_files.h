#pragma once
// A module's operator page lives in <module dir>/<dir>/gui/. The signed entry pins every file there by
// hash; the kiosk serves the folder only when the folder matches the entry exactly.
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "manifest/manifest.h"

namespace cryftee {

inline constexpr const char* kGuiFolder = "gui";

// Every regular file under `gui_dir`, by '/'-separated path relative to it, with its "sha256:<hex>".
// Throws cryftee::Error (400 "bad_gui_folder") for a symlink or special file, an unsafe name, a file
// over manifest_limits::kMaxGuiFileBytes, or more than manifest_limits::kMaxGuiFiles files.
std::map<std::string, std::string> hash_gui_folder(const std::filesystem::path& gui_dir);

// nullopt when <module_path>/gui holds exactly the files `gui` lists, each with the listed hash;
// otherwise a sentence naming the first file that differs. Never throws.
std::optional<std::string> gui_mismatch_reason(const std::filesystem::path& module_path, const ModuleGui& gui);

}  // namespace cryftee
