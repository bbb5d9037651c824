#pragma once
// The command line: one flag per setting from the settings table, plus --config, --help and --version.
#include <filesystem>
#include <optional>
#include <vector>

#include "config/settings.h"

namespace cryftee::config {

struct CommandLine {
  std::vector<Assignment> assignments;
  std::optional<std::filesystem::path> config_file;  // --config
  bool help = false;
  bool version = false;
};

// Throws ConfigError naming the flag that could not be read. argv[0] is the program name.
CommandLine parse_command_line(int argc, const char* const* argv);

}  // namespace cryftee::config
