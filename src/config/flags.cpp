#include "config/flags.h"

#include <CLI/CLI.hpp>

#include <deque>

#include "config/environment.h"
#include "config/loader.h"
#include "config/values.h"

namespace cryftee::config {
namespace {

// CLI11 keeps pointers to the strings it fills, so they live in a container that never moves them.
struct FlagBinding {
  const Setting* setting;
  CLI::Option* option = nullptr;
  CLI::Option* negative_option = nullptr;
  std::string value;
};

// "--name=value" -> "--name", so a value given to an unknown flag is never echoed.
std::string flag_name(const std::string& argument) { return argument.substr(0, argument.find('=')); }

[[noreturn]] void reject_unknown_argument(const std::string& argument) {
  if (!argument.starts_with("-")) {
    throw ConfigError("command line: unexpected argument " + quoted_for_message(argument) +
                      " (accepted: flags only, or the verbs module and attest first)");
  }
  const std::string name = flag_name(argument);
  // Secrets have an environment variable and deliberately no flag: say so instead of "unknown".
  for (const auto& setting : settings()) {
    if (!setting.flag.empty() || !setting.env.starts_with(kVariablePrefix)) continue;
    std::string would_be = "--";
    for (char c : setting.env.substr(kVariablePrefix.size())) {
      would_be += c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (name == would_be) {
      throw ConfigError(name + ": is not a flag because the command line is visible to every user (accepted: the " +
                        std::string(setting.env) + " environment variable)");
    }
  }
  throw ConfigError(name + ": unknown flag (accepted: the flags listed by cryftee --help)");
}

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

  // CLI11 wants the arguments after the program name, last first. Extras are collected, not thrown, so
  // the error can leave out whatever followed them (it may be a secret given to a flag that does not exist).
  app.allow_extras();
  std::vector<std::string> arguments;
  for (int i = argc - 1; i >= 1; --i) arguments.emplace_back(argv[i]);
  try {
    app.parse(arguments);
  } catch (const CLI::ParseError& error) {
    throw ConfigError(std::string("command line: ") + error.what() + " (accepted: the flags listed by cryftee --help)");
  }
  if (const auto extras = app.remaining(); !extras.empty()) reject_unknown_argument(extras.front());

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
      command_line.assignments.push_back({binding.setting->id, binding.value, std::string(binding.setting->flag), Layer::Flag, std::nullopt});
    } else if (negative) {
      command_line.assignments.push_back(
          {binding.setting->id, std::string("false"), std::string(binding.setting->negative_flag), Layer::Flag, std::nullopt});
    }
  }
  return command_line;
}

}  // namespace cryftee::config
