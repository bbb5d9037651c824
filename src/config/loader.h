#pragma once
// Resolves the Config from, in order of precedence: command-line flags, environment variables, the TOML
// config file (--config / CRYFTEE_CONFIG), cryftgo's JSON file (CRYFTEE_CONFIG_FILE), then defaults.
#include <map>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>

#include "config/config.h"

namespace cryftee {

using Environment = std::map<std::string, std::string>;

// A setting that cannot be used. what() is one line naming the setting, the value and what is accepted,
// e.g. "CRYFTEE_API_TRANSPORT: 'tcp' is not a transport (accepted: uds, https, http)". Never holds a secret.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Either a Config to run with, or an exit code after --help or --version was printed to `out`.
struct ConfigOutcome {
  std::optional<Config> config;
  int exit_code = 0;
};

// Throws ConfigError. argv[0] is the program name.
ConfigOutcome load_config(int argc, const char* const* argv, const Environment& environment, std::ostream& out);

// The process environment as a map (for load_config).
Environment process_environment();

}  // namespace cryftee
