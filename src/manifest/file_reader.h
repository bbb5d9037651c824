#pragma once
// Reads the small files of the trust layer (manifest, trust file, module.json) whole, with a size cap
// checked before reading so an oversized or special file cannot exhaust memory.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

namespace cryftee {

// nullopt when the file does not exist. Throws cryftee::Error: 400 "file_too_large" when larger than
// `max_bytes`, 400 "not_a_file" for a directory or device, 500 "file_unreadable" when it cannot be read.
std::optional<std::string> read_small_file(const std::filesystem::path& path, std::size_t max_bytes);

}  // namespace cryftee
