#pragma once
// Crash-safe files for the key store: a private folder (0700) and whole-or-nothing writes of 0600 files
// (temp file in the same folder, fsync, rename over the name, fsync of the folder). A reader sees either
// the old file or the new one, never a part; a crash leaves at most a temp file, which carries
// kTempMarker in its name so it is never taken for a record.
//
// Errors: cryftee::Error 503 "key_store_io" naming the path and the system's reason.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace cryftee::key_store {

inline constexpr std::string_view kTempMarker = ".tmp-";

// Creates the folder (and parents) when missing, sets it to 0700, and refuses one owned by another user
// or open to group or others after that (403 "key_store_permissions").
void ensure_private_dir(const std::filesystem::path& dir);

// Writes `text` as `dir/name` atomically, mode 0600.
void write_file_atomically(const std::filesystem::path& dir, std::string_view name, std::string_view text);

// Removes `dir/name` and syncs the folder; false when it did not exist.
bool remove_file_durably(const std::filesystem::path& dir, std::string_view name);

// The whole file; throws 503 key_store_io when it cannot be read.
std::string read_file(const std::filesystem::path& path);

// Names of the regular files in `dir`, sorted.
std::vector<std::string> file_names(const std::filesystem::path& dir);

}  // namespace cryftee::key_store
