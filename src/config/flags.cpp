#include "config/flags.h"

#include <CLI/CLI.hpp>

#include <deque>

#include "config/loader.h"

namespace cryftee::config {
namespace {

// CLI11 keeps pointers to the strings it fills, so they live in a container that never moves them.
struct FlagBinding {
  const Setting* setting;
  CLI::Option* option = nullptr;
  CLI::Option* negative_option = nullptr;
  std::string value;
};

}  // namespace

CommandLine parse_command_line(int argc, const char* const* argv) {
  CLI::App app;
  app.set_help_flag();  // --help is printed from the settings table by the loader

  CommandLine command_line;
  std::string config_path;
  auto* config_option = app.add_option("--config", config_path)->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.add_flag("-h,--help", command_line.help);
  app.add_flag("--version", command_line.version);

  std::deque<FlagBinding> bindings;
  for (const auto& setting : settings()) {
    if (setting.flag.empty()) continue;
    auto& binding = bindings.emplace_back(FlagBinding{&setting, nullptr, nullptr, {}});
    const std::string name(setting.flag);
    if (setting.kind == ValueKind::Boolean) {
      // `--kiosk` means true; `--kiosk=false` is read like an environment boolean.
      binding.option = app.add_flag(name, binding.value);
      if (!setting.negative_flag.empty()) {
        binding.negative_option = app.add_flag(std::string(setting.negative_flag))->disable_flag_override();
      }
    } else {
      binding.option = app.add_option(name, binding.value)->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    }
  }

  // CLI11 wants the arguments after the program name, last first.
  std::vector<std::string> arguments;
  for (int i = argc - 1; i >= 1; --i) arguments.emplace_back(argv[i]);
  try {
    app.parse(arguments);
  } catch (const CLI::ParseError& error) {
    throw ConfigError(std::string("command line: ") + error.what() + " (run 'cryftee --help' for the flags)");
  }

  if (config_option->count() > 0) {
    if (config_path.empty()) throw ConfigError("--config: '' is empty (accepted: the path of a TOML config file)");
    command_line.config_file = config_path;
  }
  for (const auto& binding : bindings) {
    const bool positive = binding.option->count() > 0;
    const bool negative = binding.negative_option != nullptr && binding.negative_option->count() > 0;
    if (positive && negative) {
      throw ConfigError(std::string(binding.setting->flag) + " and " + std::string(binding.setting->negative_flag) +
                        " contradict each other (accepted: one of them)");
    }
    if (positive) {
      command_line.assignments.push_back({binding.setting->id, binding.value, std::string(binding.setting->flag), Layer::Flag});
    } else if (negative) {
      command_line.assignments.push_back(
          {binding.setting->id, std::string("false"), std::string(binding.setting->negative_flag), Layer::Flag});
    }
  }
  return command_line;
}

}  // namespace cryftee::config
