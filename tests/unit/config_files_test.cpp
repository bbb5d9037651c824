// The TOML config file (strict: unknown keys and wrong types are errors) and cryftgo's JSON file (only
// the contract's keys are read), and the shipped example config.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "config/settings.h"
#include "config/toml_file.h"
#include "config_test_support.h"

namespace cryftee {
namespace {

using testing::load;
using testing::load_error;
using testing::TempDir;

const std::string kExamplePath = std::string(CRYFTEE_SOURCE_DIR) + "/config/cryftee.example.toml";

std::string read_text(const std::string& file) {
  std::ifstream stream(file);
  std::ostringstream text;
  text << stream.rdbuf();
  return text.str();
}

TEST(ConfigToml, ReadsEveryKindOfValue) {
  TempDir dir;
  const auto file = dir.write("c.toml", R"(
[modules]
dir = "/opt/cryftee/modules"
allow_unverified = true
[api]
http_addr = "[::1]:9443"
[access]
allowed_peer_uids = [0, 1000]
[limits]
max_body_bytes = 4096
[web3signer]
urls = ["http://127.0.0.1:9000", "http://127.0.0.1:9001"]
)");
  const auto config = load({"--config", file});
  EXPECT_EQ(config.module_dir, "/opt/cryftee/modules");
  EXPECT_EQ(config.manifest_path, "/opt/cryftee/modules/manifest.json");
  EXPECT_TRUE(config.allow_unverified_modules);
  EXPECT_EQ(config.http_addr.host, "::1");
  EXPECT_EQ(config.allowed_peer_uids, (std::vector<uid_t>{0, 1000}));
  EXPECT_EQ(config.limits.max_body_bytes, 4096u);
  EXPECT_EQ(config.web3signer.urls.size(), 2u);
}

TEST(ConfigToml, EngineIsReadFromTheRuntimeTable) {
  TempDir dir;
  EXPECT_EQ(load({"--config", dir.write("good.toml", "[runtime]\nengine = \"v8\"\n")}).engine, "v8");
  const auto bad = dir.write("bad.toml", "[runtime]\nengine = \"wamr\"\n");
  const auto message = load_error({"--config", bad});
  EXPECT_NE(message.find("runtime.engine: 'wamr' is not one of the choices (accepted: v8)"), std::string::npos) << message;
}

TEST(ConfigToml, UnknownKeyNamesFileLineAndKey) {
  TempDir dir;
  const auto file = dir.write("c.toml", "[limits]\nmax_body_bytes = 10\nmax_body_byte = 10\n");
  const auto message = load_error({"--config", file});
  EXPECT_EQ(message.find(file + ":3: limits.max_body_byte: unknown key (accepted keys: modules.dir,"), 0u) << message;
}

TEST(ConfigToml, SecretsAreNotFileKeys) {
  TempDir dir;
  const auto file = dir.write("c.toml", "[access]\nadmin_token = \"0123456789abcdef0123\"\n");
  const auto message = load_error({"--config", file});
  EXPECT_NE(message.find("access.admin_token: unknown key"), std::string::npos);
  EXPECT_EQ(message.find("0123456789abcdef0123"), std::string::npos);
}

TEST(ConfigToml, WrongTypeNamesWhatIsExpected) {
  TempDir dir;
  EXPECT_EQ(load_error({"--config", dir.write("a.toml", "[limits]\nmax_connections = \"10\"\n")}),
            dir.path("a.toml") + ":2: limits.max_connections: '10' has the wrong type (accepted: a whole number, without quotes)");
  EXPECT_EQ(load_error({"--config", dir.write("b.toml", "[kiosk]\nenabled = \"yes\"\n")}),
            dir.path("b.toml") + ":2: kiosk.enabled: 'yes' has the wrong type (accepted: true or false, without quotes)");
  EXPECT_EQ(load_error({"--config", dir.write("c.toml", "[api]\ntransport = 1\n")}),
            dir.path("c.toml") + ":2: api.transport: '1' has the wrong type (accepted: a string in quotes)");
  EXPECT_EQ(load_error({"--config", dir.write("d.toml", "[access]\nallowed_peer_uids = [true]\n")}),
            dir.path("d.toml") + ":2: access.allowed_peer_uids: an array item is not a string or number (accepted: an "
                                 "array like [\"a\", \"b\"] or a comma-separated string)");
}

TEST(ConfigToml, BadValueNamesFileLineAndKey) {
  TempDir dir;
  const auto file = dir.write("c.toml", "[api]\n\ntransport = \"tcp\"\n");
  EXPECT_EQ(load_error({}, {{"CRYFTEE_CONFIG", file}}),
            file + ":3: api.transport: 'tcp' is not one of the choices (accepted: uds, https, http)");
}

TEST(ConfigToml, SyntaxErrorNamesFileAndLine) {
  TempDir dir;
  const auto file = dir.write("c.toml", "[api]\ntransport = \"uds\n");
  const auto message = load_error({"--config", file});
  EXPECT_EQ(message.find(file + ":2: not valid TOML: "), 0u) << message;
  EXPECT_NE(message.find("(named by --config)"), std::string::npos);
}

TEST(ConfigCryftgoJson, ReadsEveryContractKeyNested) {
  TempDir dir;
  const auto file = dir.write("cryftgo.json", R"({
    "api": {"transport": "uds", "uds_path": "/run/cryftgo/cryftee.sock", "http_addr": "127.0.0.1:8323"},
    "modules": {"staking": {"web3signer_enabled": true, "web3signer_url": "http://127.0.0.1:9000"}},
    "security": {"verified_binary_hash": "sha256:00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"},
    "node": {"whatever": 1}, "unknown_top_level": [1, 2]
  })");
  const auto config = load({}, {{"CRYFTEE_CONFIG_FILE", file}});
  EXPECT_EQ(config.transport, Transport::Uds);
  EXPECT_EQ(config.uds_path, "/run/cryftgo/cryftee.sock");
  EXPECT_EQ(config.http_addr.port, 8323);
  EXPECT_TRUE(config.web3signer.enabled);
  EXPECT_EQ(config.web3signer.urls, (std::vector<std::string>{"http://127.0.0.1:9000"}));
  EXPECT_EQ(config.verified_binary_hash, "sha256:00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
}

TEST(ConfigCryftgoJson, AcceptsDottedKeysAndStringBooleans) {
  TempDir dir;
  const auto file = dir.write("cryftgo.json",
                              R"({"api.transport": "uds", "modules.staking.web3signer_enabled": "false",
                                  "modules.staking.web3signer_url": "", "security.verified_binary_hash": null})");
  const auto config = load({}, {{"CRYFTEE_CONFIG_FILE", file}});
  EXPECT_FALSE(config.web3signer.enabled);
  EXPECT_TRUE(config.web3signer.urls.empty());
  EXPECT_FALSE(config.verified_binary_hash.has_value());
}

TEST(ConfigCryftgoJson, BadValueNamesFileAndKey) {
  TempDir dir;
  const auto file = dir.write("cryftgo.json", R"({"api": {"http_addr": "nowhere"}})");
  EXPECT_EQ(load_error({}, {{"CRYFTEE_CONFIG_FILE", file}}),
            file + ": api.http_addr: 'nowhere' has no port (accepted: IPv4:port like 127.0.0.1:323 or [IPv6]:port like [::1]:323)");
  const auto typed = dir.write("typed.json", R"({"api": {"transport": {"x": 1}}})");
  EXPECT_TRUE(load({}, {{"CRYFTEE_CONFIG_FILE", typed}}).transport == Transport::Uds);  // {"x":1} is a section: ignored
  const auto wrong = dir.write("wrong.json", R"({"api": {"transport": 3.5}})");
  EXPECT_EQ(load_error({}, {{"CRYFTEE_CONFIG_FILE", wrong}}),
            wrong + ": api.transport: '3.5' has the wrong type (accepted: a string, boolean, number or array of strings)");
}

TEST(ConfigCryftgoJson, NotAnObjectIsAnError) {
  TempDir dir;
  const auto file = dir.write("cryftgo.json", "[1, 2");
  EXPECT_EQ(load_error({}, {{"CRYFTEE_CONFIG_FILE", file}}).find("CRYFTEE_CONFIG_FILE: '" + file + "' is not a JSON object"), 0u);
}

TEST(ConfigExample, LoadsAndHoldsExactlyTheDefaults) {
  const auto from_example = load({"--config", kExamplePath});
  const auto defaults = load();
  EXPECT_EQ(from_example.module_dir, defaults.module_dir);
  EXPECT_EQ(from_example.manifest_path, defaults.manifest_path);
  EXPECT_EQ(from_example.ui_dir, defaults.ui_dir);
  EXPECT_EQ(from_example.allow_unverified_modules, defaults.allow_unverified_modules);
  EXPECT_EQ(from_example.transport, defaults.transport);
  EXPECT_EQ(from_example.uds_path, defaults.uds_path);
  EXPECT_EQ(from_example.http_addr.host, defaults.http_addr.host);
  EXPECT_EQ(from_example.http_addr.port, defaults.http_addr.port);
  EXPECT_EQ(from_example.kiosk_enabled, defaults.kiosk_enabled);
  EXPECT_EQ(from_example.allow_loopback_admin, defaults.allow_loopback_admin);
  EXPECT_EQ(from_example.allowed_peer_uids, defaults.allowed_peer_uids);
  EXPECT_EQ(from_example.limits.max_body_bytes, defaults.limits.max_body_bytes);
  EXPECT_EQ(from_example.limits.max_header_bytes, defaults.limits.max_header_bytes);
  EXPECT_EQ(from_example.limits.max_connections, defaults.limits.max_connections);
  EXPECT_EQ(from_example.limits.request_timeout, defaults.limits.request_timeout);
  EXPECT_EQ(from_example.limits.idle_timeout, defaults.limits.idle_timeout);
  EXPECT_EQ(from_example.io_threads, defaults.io_threads);
  EXPECT_EQ(from_example.keepalive_spin, defaults.keepalive_spin);
  EXPECT_EQ(from_example.engine_workers, defaults.engine_workers);
  EXPECT_EQ(from_example.engine, defaults.engine);
  EXPECT_EQ(from_example.log_level, defaults.log_level);
  EXPECT_EQ(from_example.log_format, defaults.log_format);
  EXPECT_EQ(from_example.web3signer.enabled, defaults.web3signer.enabled);
  EXPECT_EQ(from_example.web3signer.urls, defaults.web3signer.urls);
  EXPECT_EQ(from_example.web3signer.ephemeral, defaults.web3signer.ephemeral);
  EXPECT_EQ(from_example.web3signer.connect_timeout, defaults.web3signer.connect_timeout);
  EXPECT_EQ(from_example.web3signer.request_timeout, defaults.web3signer.request_timeout);
  EXPECT_EQ(from_example.web3signer.max_attempts, defaults.web3signer.max_attempts);
  EXPECT_EQ(from_example.web3signer.retry_backoff, defaults.web3signer.retry_backoff);
  EXPECT_EQ(from_example.web3signer.health_interval, defaults.web3signer.health_interval);
  EXPECT_EQ(from_example.key_store.sealer, defaults.key_store.sealer);
  EXPECT_EQ(from_example.key_store.tpm_tcti, defaults.key_store.tpm_tcti);
  EXPECT_EQ(from_example.key_store.tpm_pcrs, defaults.key_store.tpm_pcrs);
  EXPECT_EQ(from_example.key_store.allow_backup, defaults.key_store.allow_backup);
}

// With its commented-out "# key = value" lines switched on, the example names every file key exactly once,
// each with a value of the right shape.
TEST(ConfigExample, DocumentsEveryFileKey) {
  const std::regex commented_key(R"(^# ([a-z_]+ = .*)$)");
  std::istringstream lines(read_text(kExamplePath));
  std::string uncommented;
  for (std::string line; std::getline(lines, line);) uncommented += std::regex_replace(line, commented_key, "$1") + "\n";
  TempDir dir;
  const auto assignments = config::read_toml_file(dir.write("all.toml", uncommented), "--config");

  std::multiset<std::string> documented;
  config::Draft draft;
  for (const auto& assignment : assignments) {
    documented.insert(std::string(assignment.setting_id));
    EXPECT_NO_THROW(config::find_setting(assignment.setting_id)->apply(draft, assignment)) << assignment.origin;
  }
  for (const auto& setting : config::settings()) {
    if (setting.in_toml) EXPECT_EQ(documented.count(std::string(setting.id)), 1u) << setting.id;
  }
}

}  // namespace
}  // namespace cryftee
