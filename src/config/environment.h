#pragma once
// Settings from environment variables: one CRYFTEE_* variable per setting, plus the two that name the
// config files (CRYFTEE_CONFIG for our TOML file, CRYFTEE_CONFIG_FILE for cryftgo's JSON file).
#include <string>
#include <vector>

#include "config/loader.h"
#include "config/settings.h"

namespace cryftee::config {

inline constexpr const char* kTomlFileVariable = "CRYFTEE_CONFIG";
inline constexpr const char* kCryftgoFileVariable = "CRYFTEE_CONFIG_FILE";
inline constexpr std::string_view kVariablePrefix = "CRYFTEE_";

struct EnvironmentSettings {
  std::vector<Assignment> assignments;
  std::vector<std::string> unknown_variables;  // CRYFTEE_* names no setting uses (likely typos)
};

EnvironmentSettings read_environment(const Environment& environment);

}  // namespace cryftee::config
