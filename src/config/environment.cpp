#include "config/environment.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>

namespace cryftee {

Environment process_environment() {
  Environment environment;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const auto equals = text.find('=');
    if (equals == std::string_view::npos) continue;
    environment.emplace(std::string(text.substr(0, equals)), std::string(text.substr(equals + 1)));
  }
  return environment;
}

namespace config {

EnvironmentSettings read_environment(const Environment& environment) {
  EnvironmentSettings result;
  const auto& table = settings();
  for (const auto& [name, value] : environment) {
    if (!name.starts_with(kVariablePrefix) || name == kTomlFileVariable || name == kCryftgoFileVariable) continue;
    // Launchers (cryftgo among them) export empty variables for settings they leave alone.
    if (value.empty()) continue;
    const auto setting = std::find_if(table.begin(), table.end(), [&](const Setting& s) { return s.env == name; });
    if (setting == table.end()) {
      result.unknown_variables.push_back(name);
      continue;
    }
    result.assignments.push_back({setting->id, value, name, Layer::Environment, std::nullopt});
  }
  return result;
}

}  // namespace config
}  // namespace cryftee
