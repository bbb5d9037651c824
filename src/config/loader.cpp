#include "config/loader.h"

#include "config/cryftgo_json.h"
#include "config/environment.h"
#include "config/flags.h"
#include "config/help.h"
#include "config/install_layout.h"
#include "config/toml_file.h"
#include "config/validate.h"

namespace cryftee {
namespace {

using config::Assignment;
using config::Draft;

void apply_all(Draft& draft, const std::vector<Assignment>& assignments) {
  for (const auto& assignment : assignments) {
    config::find_setting(assignment.setting_id)->apply(draft, assignment);
    draft.sources[std::string(assignment.setting_id)] = Draft::Source{assignment.origin, assignment.layer};
  }
}

// "environment: CRYFTEE_A, CRYFTEE_B": names only, never values.
std::string names_line(const std::string& title, const std::vector<Assignment>& assignments) {
  std::string line = title + ":";
  for (std::size_t i = 0; i < assignments.size(); ++i) {
    line += i == 0 ? " " : ", ";
    line += assignments[i].origin;
  }
  return line;
}

}  // namespace

ConfigOutcome load_config(int argc, const char* const* argv, const Environment& environment, std::ostream& out) {
  const auto command_line = config::parse_command_line(argc, argv);
  if (command_line.help) {
    out << config::help_text();
    return {};
  }
  if (command_line.version) {
    out << config::version_text() << "\n";
    return {};
  }
  const auto from_environment = config::read_environment(environment);

  // Lowest precedence first, so that each layer overrides the ones before it; every layer is validated
  // even where a higher one overrides it, so a bad value anywhere is reported.
  Draft draft;
  if (const auto layout = config::running_install_layout()) {
    draft.config.module_dir = layout->module_dir;
    draft.config.ui_dir = layout->ui_dir;
    draft.config.trust_config = layout->trust_config;
  }
  if (const auto file = environment.find(config::kCryftgoFileVariable); file != environment.end() && !file->second.empty()) {
    const auto assignments = config::read_cryftgo_json(file->second, config::kCryftgoFileVariable);
    apply_all(draft, assignments);
    draft.config.sources.push_back("cryftgo config " + file->second + " (" + config::kCryftgoFileVariable + ")");
  }
  std::optional<std::pair<std::filesystem::path, std::string>> toml_file;
  if (command_line.config_file) {
    toml_file.emplace(*command_line.config_file, "--config");
  } else if (const auto file = environment.find(config::kTomlFileVariable); file != environment.end() && !file->second.empty()) {
    toml_file.emplace(file->second, config::kTomlFileVariable);
  }
  if (toml_file) {
    apply_all(draft, config::read_toml_file(toml_file->first, toml_file->second));
    draft.config.sources.push_back("config file " + toml_file->first.native() + " (" + toml_file->second + ")");
  }
  apply_all(draft, from_environment.assignments);
  if (!from_environment.assignments.empty()) {
    draft.config.sources.push_back(names_line("environment", from_environment.assignments));
  }
  apply_all(draft, command_line.assignments);
  if (!command_line.assignments.empty()) draft.config.sources.push_back(names_line("flags", command_line.assignments));

  config::finish_and_validate(draft);
  for (const auto& name : from_environment.unknown_variables) {
    draft.config.warnings.push_back("environment variable " + name + " is not a cryftee setting and was ignored");
  }
  return {std::move(draft.config), 0};
}

}  // namespace cryftee
