// Every bad value stops loading with one line naming the setting as the user wrote it, the value (never a
// secret) and what is accepted.
#include <gtest/gtest.h>

#include <algorithm>

#include "config_test_support.h"

namespace cryftee {
namespace {

using testing::load;
using testing::load_error;
using testing::TempDir;

constexpr const char* kGoodHash = "sha256:00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
// base64 of 32 bytes 0x01..0x20
constexpr const char* kGoodKeyMaterial = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";

TEST(ConfigValidation, TransportNamesFlagValueAndChoices) {
  EXPECT_EQ(load_error({"--api-transport", "tcp"}),
            "--api-transport: 'tcp' is not one of the choices (accepted: uds, https, http)");
  EXPECT_EQ(load_error({}, {{"CRYFTEE_API_TRANSPORT", "tcp"}}),
            "CRYFTEE_API_TRANSPORT: 'tcp' is not one of the choices (accepted: uds, https, http)");
}

TEST(ConfigValidation, EngineIsOneOfThoseBuiltIn) {
  EXPECT_EQ(load().engine, "v8");
  EXPECT_EQ(load({"--engine", "v8"}).engine, "v8");
  EXPECT_EQ(load({}, {{"CRYFTEE_ENGINE", "v8"}}).engine, "v8");
  EXPECT_EQ(load_error({"--engine", "wasmtime"}),
            "--engine: 'wasmtime' is not one of the choices (accepted: v8)");
  EXPECT_EQ(load_error({}, {{"CRYFTEE_ENGINE", "V8"}}),
            "CRYFTEE_ENGINE: 'V8' is not one of the choices (accepted: v8)");
}

TEST(ConfigValidation, NumbersMustBeWholeAndInRange) {
  EXPECT_EQ(load_error({"--max-body-bytes", "abc"}),
            "--max-body-bytes: 'abc' is not a whole number (accepted: a whole number from 1 to 67108864)");
  EXPECT_EQ(load_error({"--max-body-bytes", "0"}),
            "--max-body-bytes: '0' is out of range (accepted: a whole number from 1 to 67108864)");
  EXPECT_EQ(load_error({}, {{"CRYFTEE_MAX_CONNECTIONS", "-1"}}),
            "CRYFTEE_MAX_CONNECTIONS: '-1' is not a whole number (accepted: a whole number from 1 to 65536)");
  EXPECT_EQ(load_error({"--request-timeout-ms", "99999999999999999999999"}),
            "--request-timeout-ms: '99999999999999999999999' is not a whole number (accepted: a whole number from 1 to 600000)");
  EXPECT_EQ(load_error({"--max-header-bytes", "100"}),
            "--max-header-bytes: '100' is out of range (accepted: a whole number from 1024 to 1048576)");
  EXPECT_EQ(load_error({"--idle-timeout-ms", "1.5"}),
            "--idle-timeout-ms: '1.5' is not a whole number (accepted: a whole number from 1 to 3600000)");
  EXPECT_EQ(load_error({"--io-threads", "1000"}),
            "--io-threads: '1000' is out of range (accepted: a whole number from 0 to 256)");
  EXPECT_EQ(load_error({"--keepalive-spin-us", "10001"}),
            "--keepalive-spin-us: '10001' is out of range (accepted: a whole number from 0 to 10000)");
  EXPECT_EQ(load_error({"--keepalive-spin-us", "-1"}).find("--keepalive-spin-us: '-1' "), 0u);
  EXPECT_EQ(load({"--keepalive-spin-us", "0"}).keepalive_spin, std::chrono::microseconds(0));
  EXPECT_EQ(load({"--engine-workers", "0"}).engine_workers, 0u);
  EXPECT_EQ(load({"--max-body-bytes", "2048"}).limits.max_body_bytes, 2048u);
  EXPECT_EQ(load({"--request-timeout-ms", "250"}).limits.request_timeout, std::chrono::milliseconds(250));
}

TEST(ConfigValidation, HttpAddressNeedsAnIpAndAPort) {
  constexpr const char* kAccepted = "(accepted: IPv4:port like 127.0.0.1:323 or [IPv6]:port like [::1]:323)";
  EXPECT_EQ(load_error({"--http-addr", "127.0.0.1"}), std::string("--http-addr: '127.0.0.1' has no port ") + kAccepted);
  EXPECT_EQ(load_error({"--http-addr", "127.0.0.1:70000"}),
            std::string("--http-addr: '127.0.0.1:70000' has a port outside 1-65535 ") + kAccepted);
  EXPECT_EQ(load_error({"--http-addr", "127.0.0.1:0"}),
            std::string("--http-addr: '127.0.0.1:0' has a port outside 1-65535 ") + kAccepted);
  EXPECT_EQ(load_error({"--http-addr", "localhost:323"}),
            std::string("--http-addr: 'localhost:323' does not start with an IP address ") + kAccepted);
  EXPECT_EQ(load_error({"--http-addr", "::1:323"}),
            std::string("--http-addr: '::1:323' does not start with an IP address ") + kAccepted);
  EXPECT_EQ(load_error({"--http-addr", "[::g]:323"}),
            std::string("--http-addr: '[::g]:323' does not hold an IPv6 address in brackets ") + kAccepted);

  const auto v6 = load({"--http-addr", "[::1]:8443"}).http_addr;
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.port, 8443);
  const auto fallback = load().http_addr;
  EXPECT_EQ(fallback.host, "0.0.0.0");
  EXPECT_EQ(fallback.port, 323);
}

TEST(ConfigValidation, BooleansInTheEnvironment) {
  for (const auto* yes : {"true", "1", "yes", "TRUE", "Yes"}) {
    EXPECT_TRUE(load({}, {{"CRYFTEE_WEB3SIGNER_EPHEMERAL", yes}}).web3signer.ephemeral) << yes;
  }
  for (const auto* no : {"false", "0", "no", "False"}) {
    EXPECT_FALSE(load({}, {{"CRYFTEE_KIOSK", no}}).kiosk_enabled) << no;
  }
  EXPECT_EQ(load_error({}, {{"CRYFTEE_KIOSK", "on"}}),
            "CRYFTEE_KIOSK: 'on' is not a boolean (accepted: true, false, 1, 0, yes, no)");
  EXPECT_EQ(load_error({"--allow-unverified-modules=maybe"}),
            "--allow-unverified-modules: 'maybe' is not a boolean (accepted: true, false, 1, 0, yes, no)");
}

TEST(ConfigValidation, ContradictingFlags) {
  EXPECT_EQ(load_error({"--kiosk", "--no-kiosk"}), "--kiosk and --no-kiosk contradict each other (accepted: one of them)");
}

TEST(ConfigValidation, UnknownFlagOrStrayArgument) {
  EXPECT_EQ(load_error({"--modul-dir", "x"}), "--modul-dir: unknown flag (accepted: the flags listed by cryftee --help)");
  EXPECT_EQ(load_error({"serve"}),
            "command line: unexpected argument 'serve' (accepted: flags only, or the verbs module and attest first)");
  EXPECT_NE(load_error({"--module-dir"}).find("--module-dir"), std::string::npos);
}

TEST(ConfigValidation, AdminTokenIsNeverAFlagValue) {
  EXPECT_EQ(load_error({"--admin-token", "a-token-on-the-command-line"}),
            "--admin-token: is not a flag because the command line is visible to every user (accepted: the "
            "CRYFTEE_ADMIN_TOKEN environment variable)");
}

TEST(ConfigValidation, LogLevelAndFormat) {
  EXPECT_EQ(load_error({"--log-level", "verbose"}),
            "--log-level: 'verbose' is not one of the choices (accepted: debug, info, warn, error)");
  EXPECT_EQ(load_error({}, {{"CRYFTEE_LOG_FORMAT", "xml"}}),
            "CRYFTEE_LOG_FORMAT: 'xml' is not one of the choices (accepted: text, json)");
  EXPECT_EQ(load({"--log-format", "json"}).log_format, LogFormat::Json);
}

TEST(ConfigValidation, VerifiedBinaryHash) {
  EXPECT_EQ(load_error({}, {{"CRYFTEE_VERIFIED_BINARY_HASH", "abcd"}}),
            "CRYFTEE_VERIFIED_BINARY_HASH: 'abcd' does not start with sha256: (accepted: sha256: followed by 64 hex digits)");
  EXPECT_EQ(load_error({"--verified-binary-hash", "sha256:xyz"}),
            "--verified-binary-hash: 'sha256:xyz' is not a SHA-256 digest (accepted: sha256: followed by 64 hex digits)");
  std::string upper = kGoodHash;
  std::transform(upper.begin() + 7, upper.end(), upper.begin() + 7, ::toupper);
  EXPECT_EQ(load({"--verified-binary-hash", upper}).verified_binary_hash, kGoodHash);
}

TEST(ConfigValidation, Web3SignerUrls) {
  constexpr const char* kAccepted = "(accepted: comma-separated http:// or https:// URLs without user names or passwords)";
  EXPECT_EQ(load_error({"--web3signer-url", "ftp://signer:9000"}),
            std::string("--web3signer-url: 'ftp://signer:9000' holds a URL that is not http or https ") + kAccepted);
  EXPECT_EQ(load_error({"--web3signer-url", "http://a:9000,,http://b:9000"}),
            std::string("--web3signer-url: 'http://a:9000,,http://b:9000' has an empty item ") + kAccepted);
  EXPECT_EQ(load_error({}, {{"CRYFTEE_WEB3SIGNER_URL", "signer:9000"}}).find("CRYFTEE_WEB3SIGNER_URL: 'signer:9000' holds"), 0u);
  const auto with_password = load_error({"--web3signer-url", "https://user:hunter2@signer:9000"});
  EXPECT_EQ(with_password.find("hunter2"), std::string::npos) << with_password;
  EXPECT_EQ(with_password, std::string("--web3signer-url: the value holds a URL with credentials ") +
                               "(accepted: comma-separated http:// or https:// URLs without user names or passwords; "
                               "the value is not shown because it is a secret)");

  const auto urls = load({"--web3signer-url", "http://127.0.0.1:9000, https://[::1]:9443/base"}).web3signer.urls;
  EXPECT_EQ(urls, (std::vector<std::string>{"http://127.0.0.1:9000", "https://[::1]:9443/base"}));
}

TEST(ConfigValidation, Web3SignerEnabledNeedsAUrl) {
  EXPECT_EQ(load_error({}, {{"CRYFTEE_WEB3SIGNER_ENABLED", "true"}}),
            "CRYFTEE_WEB3SIGNER_ENABLED: 'true' needs a Web3Signer URL (accepted: set "
            "--web3signer-url/CRYFTEE_WEB3SIGNER_URL, or disable Web3Signer)");
}

TEST(ConfigValidation, KeyMaterialShapeIsCheckedButNeverEchoed) {
  EXPECT_EQ(load({}, {{"CRYFTEE_WEB3SIGNER_KEY_MATERIAL", kGoodKeyMaterial}}).web3signer.key_material, kGoodKeyMaterial);
  const std::string short_secret = "c2hvcnQtc2VjcmV0";  // 12 bytes
  const auto too_short = load_error({}, {{"CRYFTEE_WEB3SIGNER_KEY_MATERIAL", short_secret}});
  EXPECT_EQ(too_short, "CRYFTEE_WEB3SIGNER_KEY_MATERIAL: the value decodes to 12 bytes (accepted: base64 of a 32-byte "
                       "secret; the value is not shown because it is a secret)");
  const auto not_base64 = load_error({}, {{"CRYFTEE_WEB3SIGNER_KEY_MATERIAL", "not*base64*secret"}});
  EXPECT_EQ(not_base64.find("not*base64"), std::string::npos);
  EXPECT_NE(not_base64.find("is not base64"), std::string::npos);
  const auto zero = load_error({}, {{"CRYFTEE_WEB3SIGNER_KEY_MATERIAL", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}});
  EXPECT_NE(zero.find("is all zero bytes"), std::string::npos);
}

TEST(ConfigValidation, KeyMaterialIsNotAFlag) {
  const auto message = load_error({std::string("--web3signer-key-material=") + kGoodKeyMaterial});
  EXPECT_EQ(message, "--web3signer-key-material: is not a flag because the command line is visible to every user "
                     "(accepted: the CRYFTEE_WEB3SIGNER_KEY_MATERIAL environment variable)");
}

TEST(ConfigValidation, PeerUids) {
  EXPECT_EQ(load({"--allowed-peer-uids", "0, 1000,65534"}).allowed_peer_uids, (std::vector<uid_t>{0, 1000, 65534}));
  EXPECT_EQ(load_error({"--allowed-peer-uids", "0,root"}),
            "--allowed-peer-uids: '0,root' holds an item that is not a user id (accepted: comma-separated numeric user ids like 0,1000)");
  EXPECT_NE(load_error({"--allowed-peer-uids", "4294967295"}).find("is not a user id"), std::string::npos);
}

TEST(ConfigValidation, PathsMustNotBeEmptyAndSocketPathsFit) {
  EXPECT_EQ(load_error({"--module-dir", ""}), "--module-dir: '' is empty (accepted: a file system path)");
  EXPECT_EQ(load_error({"--uds-path", "/" + std::string(120, 'a')}).find("--uds-path: '/aaaa"), 0u);
  EXPECT_NE(load_error({"--uds-path", "/" + std::string(120, 'a')}).find("is too long for a Unix socket"), std::string::npos);
}

TEST(ConfigValidation, HttpsNeedsCertificateAndKey) {
  EXPECT_EQ(load_error({"--api-transport", "https"}),
            "--api-transport: 'https' needs a TLS certificate and key (accepted: set --tls-cert/CRYFTEE_TLS_CERT and "
            "--tls-key/CRYFTEE_TLS_KEY, or use the uds transport)");
  TempDir dir;
  const auto cert = dir.write("cert.pem", "-----BEGIN CERTIFICATE-----\n");
  EXPECT_EQ(load_error({"--tls-cert", cert}), "--tls-cert: is set without --tls-key/CRYFTEE_TLS_KEY (accepted: both a certificate and its key, or neither)");
}

TEST(ConfigValidation, TlsFilesMustBeReadable) {
  TempDir dir;
  const auto cert = dir.write("cert.pem", "-----BEGIN CERTIFICATE-----\n");
  const auto key = dir.write("key.pem", "-----BEGIN PRIVATE KEY-----\n");
  const auto missing = dir.path("missing.pem");
  EXPECT_EQ(load_error({"--api-transport", "https", "--tls-cert", cert, "--tls-key", missing}),
            "--tls-key: '" + missing + "' cannot be read (No such file or directory) (accepted: a readable PEM private key file)");
  EXPECT_EQ(load_error({}, {{"CRYFTEE_TLS_CERT", dir.path("")}, {"CRYFTEE_TLS_KEY", key}}),
            "CRYFTEE_TLS_CERT: '" + dir.path("") + "' cannot be read (not a regular file) (accepted: a readable PEM certificate file)");
  EXPECT_NE(load_error({"--tls-client-ca", missing}).find("--tls-client-ca: '"), std::string::npos);

  const auto config = load({"--api-transport", "https", "--tls-cert", cert, "--tls-key", key});
  EXPECT_EQ(config.transport, Transport::Https);
  EXPECT_EQ(config.tls_cert, cert);
  EXPECT_EQ(config.tls_key, key);
}

TEST(ConfigValidation, AdminTokenFile) {
  TempDir dir;
  const auto open_file = dir.write("open-token", "a-long-enough-admin-token\n", 0644);
  EXPECT_EQ(load_error({"--admin-token-file", open_file}),
            "--admin-token-file: '" + open_file +
                "' is accessible by group or others (mode 0644) (accepted: a file only its owner can read; run chmod 600 on it)");
  const auto short_file = dir.write("short-token", "short\n");
  EXPECT_EQ(load_error({}, {{"CRYFTEE_ADMIN_TOKEN_FILE", short_file}}),
            "CRYFTEE_ADMIN_TOKEN_FILE: the token has 5 characters (accepted: 16 to 1024 printable ASCII characters without "
            "spaces; the value is not shown because it is a secret)");
  EXPECT_NE(load_error({"--admin-token-file", dir.path("none")}).find("cannot be read (No such file or directory)"), std::string::npos);
  EXPECT_EQ(load({"--admin-token-file", dir.write("ok", "0123456789abcdef\r\n")}).admin_token, "0123456789abcdef");
}

TEST(ConfigValidation, AdminTokenFromEnvironment) {
  const auto spaced = load_error({}, {{"CRYFTEE_ADMIN_TOKEN", "has spaces in the secret token"}});
  EXPECT_EQ(spaced.find("spaces in"), std::string::npos);
  EXPECT_NE(spaced.find("CRYFTEE_ADMIN_TOKEN: the token has 30 characters and some are not printable"), std::string::npos);
  TempDir dir;
  const auto file = dir.write("token", "0123456789abcdef0123");
  EXPECT_EQ(load_error({}, {{"CRYFTEE_ADMIN_TOKEN", "0123456789abcdefXYZ"}, {"CRYFTEE_ADMIN_TOKEN_FILE", file}}),
            "CRYFTEE_ADMIN_TOKEN and CRYFTEE_ADMIN_TOKEN_FILE are both set (accepted: one of them; the value is not shown "
            "because it is a secret)");
  EXPECT_FALSE(load().admin_token.has_value());
}

TEST(ConfigValidation, ConfigFilesMustBeReadable) {
  EXPECT_EQ(load_error({"--config", "/nonexistent/cryftee.toml"}),
            "--config: '/nonexistent/cryftee.toml' cannot be read (No such file or directory) (accepted: a readable TOML config file)");
  EXPECT_EQ(load_error({}, {{"CRYFTEE_CONFIG_FILE", "/nonexistent/cryftgo.json"}}),
            "CRYFTEE_CONFIG_FILE: '/nonexistent/cryftgo.json' cannot be read (No such file or directory) (accepted: a readable JSON file)");
}

TEST(ConfigValidation, ControlCharactersAreEscapedSoTheMessageStaysOneLine) {
  EXPECT_EQ(load_error({"--log-level", "info\nlevel=error"}),
            "--log-level: 'info\\x0alevel=error' is not one of the choices (accepted: debug, info, warn, error)");
}

TEST(ConfigValidation, BadValueInAnOverriddenLayerIsAWarningNamingBothLayers) {
  const Config config = load({"--max-connections", "5"}, {{"CRYFTEE_MAX_CONNECTIONS", "lots"}});
  EXPECT_EQ(config.limits.max_connections, 5u);
  ASSERT_EQ(config.warnings.size(), 1u);
  EXPECT_EQ(config.warnings[0],
            "CRYFTEE_MAX_CONNECTIONS: 'lots' is not a whole number (accepted: a whole number from 1 to 65536); "
            "ignored because --max-connections overrides it");
}

TEST(ConfigValidation, EnvironmentRescuesCryftgoJsonWithAnInvalidOrWronglyTypedValue) {
  TempDir dir;
  for (const std::string value : {R"("tcp")", R"([1])", "3.5"}) {
    SCOPED_TRACE(value);
    const auto file = dir.write("cryftgo.json", R"({"api": {"transport": )" + value + "}}");
    EXPECT_NE(load_error({}, {{"CRYFTEE_CONFIG_FILE", file}}).find(file + ": api.transport: "), std::string::npos);
    const Config config = load({}, {{"CRYFTEE_CONFIG_FILE", file}, {"CRYFTEE_API_TRANSPORT", "uds"}});
    EXPECT_TRUE(config.transport == Transport::Uds);
    ASSERT_EQ(config.warnings.size(), 1u);
    EXPECT_EQ(config.warnings[0].find(file + ": api.transport: "), 0u) << config.warnings[0];
    EXPECT_NE(config.warnings[0].find("; ignored because CRYFTEE_API_TRANSPORT overrides it"), std::string::npos);
  }
}

TEST(ConfigValidation, FlagRescuesAWronglyTypedTomlValue) {
  TempDir dir;
  const auto file = dir.write("c.toml", "[api]\ntransport = 3\n[access]\nallowed_peer_uids = [true]\n");
  EXPECT_NE(load_error({"--config", file, "--allowed-peer-uids", "7"}).find(file + ":2: api.transport: '3' has the wrong type"),
            std::string::npos);
  const Config config = load({"--config", file, "--api-transport", "uds", "--allowed-peer-uids", "7"});
  EXPECT_EQ(config.allowed_peer_uids, (std::vector<uid_t>{7}));
  const auto warned = [&config](const std::string& text) {
    return std::any_of(config.warnings.begin(), config.warnings.end(),
                       [&text](const std::string& warning) { return warning.find(text) != std::string::npos; });
  };
  EXPECT_EQ(config.warnings.size(), 2u);
  EXPECT_TRUE(warned(file + ":2: api.transport: '3' has the wrong type"));
  EXPECT_TRUE(warned("; ignored because --api-transport overrides it"));
  EXPECT_TRUE(warned(file + ":4: access.allowed_peer_uids: an array item is not a string or number"));
  EXPECT_TRUE(warned("; ignored because --allowed-peer-uids overrides it"));
}

TEST(ConfigValidation, OverriddenTransportIsNotCrossChecked) {
  TempDir dir;
  const auto file = dir.write("cryftgo.json", R"({"api": {"transport": "https", "http_addr": "0.0.0.0:8787"}})");
  EXPECT_NE(load_error({}, {{"CRYFTEE_CONFIG_FILE", file}}).find("needs a TLS certificate"), std::string::npos);
  const Config config = load({"--api-transport", "uds"}, {{"CRYFTEE_CONFIG_FILE", file}});
  EXPECT_TRUE(config.transport == Transport::Uds);
  EXPECT_TRUE(config.warnings.empty());
}

TEST(ConfigValidation, HttpTransportServesOnLoopbackOnly) {
  const Config by_default = load({"--api-transport", "http"});
  EXPECT_EQ(by_default.http_addr.host, "127.0.0.1");
  EXPECT_EQ(by_default.http_addr.port, 8787);
  EXPECT_EQ(load({"--api-transport", "http", "--http-addr", "[::1]:9000"}).http_addr.host, "::1");
  EXPECT_EQ(load({"--api-transport", "http", "--http-addr", "127.8.9.10:9000"}).http_addr.port, 9000);
  for (const char* address : {"0.0.0.0:8787", "10.1.2.3:8787", "[::]:8787"}) {
    SCOPED_TRACE(address);
    const std::string error = load_error({"--api-transport", "http", "--http-addr", address});
    EXPECT_EQ(error.find("--http-addr: '"), 0u) << error;
    EXPECT_NE(error.find("is not a loopback address"), std::string::npos) << error;
    EXPECT_NE(error.find("use --api-transport https, or uds"), std::string::npos) << error;
  }
  // The uds kiosk and the https API keep their wider default.
  EXPECT_EQ(load({}).http_addr.host, "0.0.0.0");
}

TEST(ConfigValidation, ModulesEnabledIsAListOfIds) {
  const Config config = load({}, {{"CRYFTEE_MODULES_ENABLED", "bls_tls_signer_v1, other.v2"}});
  ASSERT_TRUE(config.modules_enabled.has_value());
  EXPECT_EQ(*config.modules_enabled, (std::vector<std::string>{"bls_tls_signer_v1", "other.v2"}));
  EXPECT_FALSE(load({}).modules_enabled.has_value());
  EXPECT_NE(load_error({}, {{"CRYFTEE_MODULES_ENABLED", "a,../b"}}).find("is not a module id"), std::string::npos);
  EXPECT_NE(load_error({}, {{"CRYFTEE_MODULES_ENABLED", "a,,b"}}).find("has an empty item"), std::string::npos);
}

}  // namespace
}  // namespace cryftee

namespace cryftee {
namespace {

using testing::load;
using testing::load_error;
using testing::TempDir;

TEST(ConfigWeb3SignerClient, TimeoutsAndAttempts) {
  const auto config = load({"--web3signer-connect-timeout-ms", "750", "--web3signer-max-attempts", "5"},
                           {{"CRYFTEE_WEB3SIGNER_TIMEOUT_MS", "9000"}, {"CRYFTEE_WEB3SIGNER_RETRY_BACKOFF_MS", "50"},
                            {"CRYFTEE_WEB3SIGNER_HEALTH_INTERVAL_MS", "1000"}});
  EXPECT_EQ(config.web3signer.connect_timeout, std::chrono::milliseconds(750));
  EXPECT_EQ(config.web3signer.request_timeout, std::chrono::milliseconds(9000));
  EXPECT_EQ(config.web3signer.max_attempts, 5u);
  EXPECT_EQ(config.web3signer.retry_backoff, std::chrono::milliseconds(50));
  EXPECT_EQ(config.web3signer.health_interval, std::chrono::milliseconds(1000));
  EXPECT_EQ(load_error({"--web3signer-max-attempts", "0"}),
            "--web3signer-max-attempts: '0' is out of range (accepted: a whole number from 1 to 10)");
  EXPECT_EQ(load_error({}, {{"CRYFTEE_WEB3SIGNER_HEALTH_INTERVAL_MS", "5"}}),
            "CRYFTEE_WEB3SIGNER_HEALTH_INTERVAL_MS: '5' is out of range (accepted: a whole number from 100 to 3600000)");
}

TEST(ConfigWeb3SignerClient, AuthTokenFromVariableOrFile) {
  EXPECT_EQ(load({}, {{"CRYFTEE_WEB3SIGNER_AUTH_TOKEN", "keymanager-token"}}).web3signer.auth_token, "keymanager-token");
  TempDir dir;
  const auto file = dir.write("token", "token-in-a-file\n");
  EXPECT_EQ(load({"--web3signer-auth-token-file", file}, {{"CRYFTEE_WEB3SIGNER_AUTH_TOKEN", "keymanager-token"}})
                .web3signer.auth_token,
            "token-in-a-file");
  EXPECT_NE(load_error({"--web3signer-auth-token-file", dir.write("open", "t\n", 0640)}).find("mode 0640"), std::string::npos);
  const auto message = load_error({"--web3signer-auth-token", "leaked-token"});
  EXPECT_EQ(message.find("leaked-token"), std::string::npos);
  EXPECT_NE(message.find("CRYFTEE_WEB3SIGNER_AUTH_TOKEN environment variable"), std::string::npos);
}

TEST(ConfigWeb3SignerClient, ClientCertificateNeedsItsKeyAndFilesMustExist) {
  TempDir dir;
  const auto cert = dir.write("client.pem", "-----BEGIN CERTIFICATE-----\n");
  EXPECT_EQ(load_error({"--web3signer-client-cert", cert}),
            "--web3signer-client-cert: is set without --web3signer-client-key/CRYFTEE_WEB3SIGNER_CLIENT_KEY (accepted: "
            "both a certificate and its key, or neither)");
  EXPECT_EQ(load_error({}, {{"CRYFTEE_WEB3SIGNER_CA_FILE", dir.path("none.pem")}}),
            "CRYFTEE_WEB3SIGNER_CA_FILE: '" + dir.path("none.pem") +
                "' cannot be read (No such file or directory) (accepted: a readable PEM CA bundle)");
  const auto key = dir.write("client.key", "-----BEGIN PRIVATE KEY-----\n");
  const auto config = load({"--web3signer-client-cert", cert, "--web3signer-client-key", key});
  EXPECT_EQ(config.web3signer.client_cert, cert);
  EXPECT_EQ(config.web3signer.client_key, key);
}

}  // namespace
}  // namespace cryftee
