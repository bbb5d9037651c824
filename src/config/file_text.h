#pragma once
// Reading the whole of a small file named by a setting, with an error that names the setting.
#include <filesystem>
#include <string>

namespace cryftee::config {

// Throws ConfigError "<named_by>: '<file>' cannot be read (<reason>) (accepted: <what>)".
std::string read_named_file(const std::filesystem::path& file, const std::string& named_by, const std::string& what);

// Throws the same error when `file` is not a regular file this process can open for reading.
void require_readable_file(const std::filesystem::path& file, const std::string& named_by, const std::string& what);

}  // namespace cryftee::config
