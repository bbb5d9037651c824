#include "config/loader.h"

#include <iterator>
#include <map>

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

void apply(Draft& draft, const Assignment& assignment) {
  if (assignment.problem) throw ConfigError(*assignment.problem);
  config::find_setting(assignment.setting_id)->apply(draft, assignment);
  draft.sources[std::string(assignment.setting_id)] = Draft::Source{assignment.origin, assignment.layer};
}

// `assignments` lowest layer first. Only the effective (highest-layer) value of each setting is applied
// and validated; a lower value it overrides that would have been refused becomes a warning naming both
// layers, so that, e.g., CRYFTEE_API_TRANSPORT=uds rescues a cryftgo JSON file that says something invalid.
void apply_effective(Draft& draft, const std::vector<Assignment>& assignments) {
  std::map<std::string_view, const Assignment*> effective;
  for (const auto& assignment : assignments) effective[assignment.setting_id] = &assignment;
  for (const auto& assignment : assignments) {
    const Assignment& winner = *effective.at(assignment.setting_id);
    if (&assignment == &winner) {
      apply(draft, assignment);
      continue;
    }
    try {
      Draft scratch;
      apply(scratch, assignment);
    } catch (const ConfigError& error) {
      draft.config.warnings.push_back(std::string(error.what()) + "; ignored because " + winner.origin +
                                      " overrides it");
    }
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

  // Lowest precedence first, so that each layer overrides the ones before it.
  Draft draft;
  if (const auto layout = config::running_install_layout()) {
    draft.config.module_dir = layout->module_dir;
    draft.config.ui_dir = layout->ui_dir;
    draft.config.trust_config = layout->trust_config;
  }
  std::vector<Assignment> assignments;
  const auto add_layer = [&assignments](std::vector<Assignment> layer) {
    std::move(layer.begin(), layer.end(), std::back_inserter(assignments));
  };
  if (const auto file = environment.find(config::kCryftgoFileVariable); file != environment.end() && !file->second.empty()) {
    add_layer(config::read_cryftgo_json(file->second, config::kCryftgoFileVariable));
    draft.config.sources.push_back("cryftgo config " + file->second + " (" + config::kCryftgoFileVariable + ")");
  }
  std::optional<std::pair<std::filesystem::path, std::string>> toml_file;
  if (command_line.config_file) {
    toml_file.emplace(*command_line.config_file, "--config");
  } else if (const auto file = environment.find(config::kTomlFileVariable); file != environment.end() && !file->second.empty()) {
    toml_file.emplace(file->second, config::kTomlFileVariable);
  }
  if (toml_file) {
    add_layer(config::read_toml_file(toml_file->first, toml_file->second));
    draft.config.sources.push_back("config file " + toml_file->first.native() + " (" + toml_file->second + ")");
  }
  add_layer(from_environment.assignments);
  if (!from_environment.assignments.empty()) {
    draft.config.sources.push_back(names_line("environment", from_environment.assignments));
  }
  add_layer(command_line.assignments);
  if (!command_line.assignments.empty()) draft.config.sources.push_back(names_line("flags", command_line.assignments));
  apply_effective(draft, assignments);

  config::finish_and_validate(draft);
  for (const auto& name : from_environment.unknown_variables) {
    draft.config.warnings.push_back("environment variable " + name + " is not a cryftee setting and was ignored");
  }
  return {std::move(draft.config), 0};
}

}  // namespace cryftee
