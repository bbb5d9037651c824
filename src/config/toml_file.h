#pragma once
// Settings from our TOML config file. Every key must be a known setting: a typo stops start-up with the
// file, line and key instead of being silently ignored.
#include <filesystem>
#include <string>
#include <vector>

#include "config/settings.h"

namespace cryftee::config {

// `named_by` is how the user named the file ("--config" or "CRYFTEE_CONFIG"). Throws ConfigError.
std::vector<Assignment> read_toml_file(const std::filesystem::path& file, const std::string& named_by);

}  // namespace cryftee::config
