#pragma once
// Settings from the JSON file cryftgo writes and names in CRYFTEE_CONFIG_FILE. Only the keys of the client
// contract are read (nested objects or dotted names); anything else in it is cryftgo's business and ignored.
#include <filesystem>
#include <string>
#include <vector>

#include "config/settings.h"

namespace cryftee::config {

// Throws ConfigError when the file cannot be read, is not a JSON object, or holds a bad value for a key
// we read.
std::vector<Assignment> read_cryftgo_json(const std::filesystem::path& file, const std::string& named_by);

}  // namespace cryftee::config
