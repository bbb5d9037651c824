// --help and --version, and the docs, are generated from or checked against the settings table.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "config/settings.h"
#include "config_test_support.h"
#include "version.h"

namespace cryftee {
namespace {

using testing::load_outcome;

TEST(ConfigHelp, ListsEveryFlagWithItsVariableAndDefault) {
  std::string help;
  const auto outcome = load_outcome({"--help"}, {}, &help);
  EXPECT_FALSE(outcome.config.has_value());
  EXPECT_EQ(outcome.exit_code, 0);
  for (const auto* general : {"--config PATH", "CRYFTEE_CONFIG ", "CRYFTEE_CONFIG_FILE", "--help", "--version"}) {
    EXPECT_NE(help.find(general), std::string::npos) << general;
  }
  for (const auto& setting : config::settings()) {
    const std::string name(setting.flag.empty() ? setting.env : setting.flag);
    // The whole name: "--engine" must not find "--engine-workers".
    auto at = help.find("  " + name);
    while (at != std::string::npos && std::string_view(" ,\n").find(help[at + 2 + name.size()]) == std::string_view::npos) {
      at = help.find("  " + name, at + 1);
    }
    ASSERT_NE(at, std::string::npos) << name;
    const auto entry = help.substr(at, help.find("\n  --", at + 1) - at);
    EXPECT_NE(entry.find(std::string(setting.env)), std::string::npos) << name;
    if (!setting.negative_flag.empty()) EXPECT_NE(entry.find(std::string(setting.negative_flag)), std::string::npos) << name;
    if (setting.in_toml) EXPECT_NE(entry.find("file " + std::string(setting.id)), std::string::npos) << name;
    const std::string shown_default = setting.default_text.empty() ? "not set" : setting.default_text;
    EXPECT_NE(entry.find("default " + shown_default), std::string::npos) << name;
  }
}

TEST(ConfigHelp, HelpWinsOverOtherFlags) {
  std::string help;
  EXPECT_FALSE(load_outcome({"--module-dir", "/x", "-h"}, {}, &help).config.has_value());
  EXPECT_NE(help.find("Usage: cryftee"), std::string::npos);
}

TEST(ConfigHelp, VersionNamesTheRuntimeAndAbiVersions) {
  std::string printed;
  const auto outcome = load_outcome({"--version"}, {}, &printed);
  EXPECT_FALSE(outcome.config.has_value());
  EXPECT_EQ(outcome.exit_code, 0);
  EXPECT_EQ(printed, std::string("cryftee ") + kCryfteeVersion + " (module ABI " + std::to_string(kAbiVersion) + ")\n");
}

TEST(ConfigHelp, TableIsConsistent) {
  for (const auto& setting : config::settings()) {
    EXPECT_TRUE(setting.env.starts_with("CRYFTEE_")) << setting.id;
    EXPECT_TRUE(setting.flag.empty() || setting.flag.starts_with("--")) << setting.id;
    EXPECT_EQ(setting.flag.find('_'), std::string_view::npos) << "flags are kebab-case: " << setting.flag;
    EXPECT_EQ(config::find_setting(setting.id), &setting) << "duplicate id " << setting.id;
    // A secret has neither a flag (argv is public) nor a file key.
    if (setting.secret) EXPECT_TRUE(setting.flag.empty() && !setting.in_toml) << setting.id;
    EXPECT_TRUE(static_cast<bool>(setting.apply)) << setting.id;
  }
}

TEST(ConfigDocs, ConfigurationGuideNamesEverySetting) {
  std::ifstream stream(std::string(CRYFTEE_SOURCE_DIR) + "/docs/configuration.md");
  std::ostringstream text;
  text << stream.rdbuf();
  const auto docs = text.str();
  ASSERT_FALSE(docs.empty());
  for (const auto& setting : config::settings()) {
    EXPECT_NE(docs.find("`" + std::string(setting.env) + "`"), std::string::npos) << setting.env;
    if (!setting.flag.empty()) EXPECT_NE(docs.find("`" + std::string(setting.flag)), std::string::npos) << setting.flag;
    if (setting.in_toml) EXPECT_NE(docs.find("`" + std::string(setting.id) + "`"), std::string::npos) << setting.id;
  }
}

}  // namespace
}  // namespace cryftee
