// Precedence: flag > environment > TOML file > cryftgo's JSON file > default, for every pair of layers.
#include <gtest/gtest.h>

#include "config/defaults.h"
#include "config_test_support.h"

namespace cryftee {
namespace {

using testing::load;
using testing::TempDir;

class ConfigPrecedence : public ::testing::Test {
 protected:
  // Every layer names a different socket path; a test removes layers to see which one wins.
  TempDir dir;
  std::string toml_file = dir.write("cryftee.toml", "[api]\nuds_path = \"/run/from-toml.sock\"\n");
  std::string json_file = dir.write("cryftgo.json", R"({"api": {"uds_path": "/run/from-json.sock"}})");
  std::vector<std::string> flag = {"--uds-path", "/run/from-flag.sock"};

  Environment env(bool with_variable, bool with_toml, bool with_json) const {
    Environment environment;
    if (with_variable) environment["CRYFTEE_UDS_PATH"] = "/run/from-env.sock";
    if (with_toml) environment["CRYFTEE_CONFIG"] = toml_file;
    if (with_json) environment["CRYFTEE_CONFIG_FILE"] = json_file;
    return environment;
  }
};

TEST_F(ConfigPrecedence, DefaultWhenNothingIsSet) {
  EXPECT_EQ(load().uds_path, defaults::kUdsPath);
}

TEST_F(ConfigPrecedence, FlagBeatsEveryOtherLayer) {
  EXPECT_EQ(load(flag, env(true, true, true)).uds_path, "/run/from-flag.sock");
  EXPECT_EQ(load(flag, env(false, true, true)).uds_path, "/run/from-flag.sock");
  EXPECT_EQ(load(flag, env(false, false, true)).uds_path, "/run/from-flag.sock");
}

TEST_F(ConfigPrecedence, EnvironmentBeatsTomlAndJson) {
  EXPECT_EQ(load({}, env(true, true, true)).uds_path, "/run/from-env.sock");
  EXPECT_EQ(load({}, env(true, false, true)).uds_path, "/run/from-env.sock");
}

TEST_F(ConfigPrecedence, TomlBeatsJson) {
  EXPECT_EQ(load({}, env(false, true, true)).uds_path, "/run/from-toml.sock");
}

TEST_F(ConfigPrecedence, JsonBeatsDefault) {
  EXPECT_EQ(load({}, env(false, false, true)).uds_path, "/run/from-json.sock");
}

TEST_F(ConfigPrecedence, ConfigFlagBeatsConfigVariable) {
  const auto other = dir.write("other.toml", "[api]\nuds_path = \"/run/from-other.sock\"\n");
  EXPECT_EQ(load({"--config", other}, env(false, true, false)).uds_path, "/run/from-other.sock");
}

TEST_F(ConfigPrecedence, LayersMergePerSetting) {
  // Each layer contributes the setting it alone sets.
  dir.write("cryftee.toml", "[log]\nlevel = \"warn\"\n");
  auto environment = env(false, true, true);
  environment["CRYFTEE_MAX_CONNECTIONS"] = "7";
  const auto config = load({"--io-threads", "3"}, environment);
  EXPECT_EQ(config.log_level, "warn");
  EXPECT_EQ(config.uds_path, "/run/from-json.sock");
  EXPECT_EQ(config.limits.max_connections, 7u);
  EXPECT_EQ(config.io_threads, 3u);
}

TEST_F(ConfigPrecedence, NegativeFlagOverridesEnvironment) {
  Environment environment{{"CRYFTEE_KIOSK", "yes"}, {"CRYFTEE_ALLOW_LOOPBACK_ADMIN", "true"}};
  const auto config = load({"--no-kiosk", "--no-loopback-admin"}, environment);
  EXPECT_FALSE(config.kiosk_enabled);
  EXPECT_FALSE(config.allow_loopback_admin);
  EXPECT_TRUE(load({}, environment).kiosk_enabled);
}

TEST_F(ConfigPrecedence, BooleanFlagTakesAnExplicitValue) {
  Environment environment{{"CRYFTEE_WEB3SIGNER_ENABLED", "true"}, {"CRYFTEE_WEB3SIGNER_URL", "http://127.0.0.1:9000"}};
  EXPECT_TRUE(load({}, environment).web3signer.enabled);
  EXPECT_FALSE(load({"--web3signer-enabled=false"}, environment).web3signer.enabled);
}

TEST_F(ConfigPrecedence, ManifestPathFollowsTheModuleDirUnlessSet) {
  EXPECT_EQ(load().manifest_path, std::filesystem::path(defaults::kModuleDir) / defaults::kManifestFile);
  EXPECT_EQ(load({"--module-dir", "/opt/m"}).manifest_path, "/opt/m/manifest.json");
  EXPECT_EQ(load({"--module-dir", "/opt/m", "--manifest-path", "/etc/manifest.json"}).manifest_path, "/etc/manifest.json");
}

TEST_F(ConfigPrecedence, LaterRepeatOfAFlagWins) {
  EXPECT_EQ(load({"--log-level", "debug", "--log-level=error"}).log_level, "error");
}

TEST_F(ConfigPrecedence, EmptyEnvironmentVariableCountsAsUnset) {
  EXPECT_EQ(load({}, {{"CRYFTEE_UDS_PATH", ""}, {"CRYFTEE_VERIFIED_BINARY_HASH", ""}}).uds_path, defaults::kUdsPath);
}

TEST_F(ConfigPrecedence, AdminTokenFlagFileBeatsEnvironmentToken) {
  const auto file = dir.write("token", "token-from-the-file-0123\n");
  const auto config = load({"--admin-token-file", file}, {{"CRYFTEE_ADMIN_TOKEN", "token-from-the-environment"}});
  EXPECT_EQ(config.admin_token, "token-from-the-file-0123");
}

TEST_F(ConfigPrecedence, AdminTokenFromEnvironmentBeatsTomlFile) {
  const auto file = dir.write("token", "token-from-the-file-0123");
  const auto toml = dir.write("t.toml", "[access]\nadmin_token_file = \"" + file + "\"\n");
  const auto config = load({"--config", toml}, {{"CRYFTEE_ADMIN_TOKEN", "token-from-the-environment"}});
  EXPECT_EQ(config.admin_token, "token-from-the-environment");
}

TEST_F(ConfigPrecedence, SourcesNameTheLayersUsedButNoValues) {
  const auto config = load(flag, {{"CRYFTEE_CONFIG", toml_file}, {"CRYFTEE_CONFIG_FILE", json_file},
                                  {"CRYFTEE_ADMIN_TOKEN", "a-secret-admin-token-value"}});
  ASSERT_EQ(config.sources.size(), 4u);
  EXPECT_EQ(config.sources[0], "cryftgo config " + json_file + " (CRYFTEE_CONFIG_FILE)");
  EXPECT_EQ(config.sources[1], "config file " + toml_file + " (CRYFTEE_CONFIG)");
  EXPECT_EQ(config.sources[2], "environment: CRYFTEE_ADMIN_TOKEN");
  EXPECT_EQ(config.sources[3], "flags: --uds-path");
  for (const auto& line : config.sources) EXPECT_EQ(line.find("a-secret"), std::string::npos);
}

TEST_F(ConfigPrecedence, UnknownCryfteeVariableIsAWarningNotAnError) {
  const auto config = load({}, {{"CRYFTEE_MODUL_DIR", "/x"}, {"HOME", "/root"}});
  ASSERT_EQ(config.warnings.size(), 1u);
  EXPECT_NE(config.warnings[0].find("CRYFTEE_MODUL_DIR"), std::string::npos);
}

}  // namespace
}  // namespace cryftee
