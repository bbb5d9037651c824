#include "config/settings.h"

#include <algorithm>

#include "config/defaults.h"
#include "config/values.h"
#include "engines.h"

namespace cryftee::config {
namespace {

std::string number_text(std::uint64_t value) { return std::to_string(value); }

std::uint64_t milliseconds(std::chrono::milliseconds value) { return static_cast<std::uint64_t>(value.count()); }

// The names --engine accepts: the engines this build has (CRYFTEE_ENGINES in CMakeLists.txt).
std::vector<std::string_view> built_in_engines() {
  std::vector<std::string_view> names;
  for (const engine::EngineMaker& engine : engine::kEngines) names.push_back(engine.name);
  return names;
}

std::string comma_separated(const std::vector<std::string_view>& names) {
  std::string text;
  for (const auto name : names) text += (text.empty() ? "" : ", ") + std::string(name);
  return text;
}

std::vector<Setting> build_settings() {
  using namespace defaults;
  std::vector<Setting> table;

  // ---- Modules and trust
  table.push_back({.id = "modules.dir", .group = "Modules and trust", .flag = "--module-dir",
                   .env = "CRYFTEE_MODULE_DIR", .value_name = "PATH",
                   .default_text = std::string(kModuleDir) + "; installed: PREFIX/share/cryftee/modules",
                   .help = "Folder holding manifest.json and one folder per module.",
                   .apply = [](Draft& d, const Assignment& a) { d.config.module_dir = parse_path(a); }});
  table.push_back({.id = "modules.manifest_path", .group = "Modules and trust", .flag = "--manifest-path",
                   .env = "CRYFTEE_MANIFEST_PATH", .value_name = "PATH",
                   .default_text = std::string("{module_dir}/") + kManifestFile,
                   .help = "The signed module manifest.",
                   .apply = [](Draft& d, const Assignment& a) { d.config.manifest_path = parse_path(a); }});
  table.push_back({.id = "modules.trust_config", .group = "Modules and trust", .flag = "--trust-config",
                   .env = "CRYFTEE_TRUST_CONFIG", .value_name = "PATH",
                   .default_text = "not set; installed: /etc/cryftee/trust.toml",
                   .help = "TOML file of trusted module publishers ([[publishers]] id, algo, publicKey). "
                           "Without it no module is trusted.",
                   .apply = [](Draft& d, const Assignment& a) { d.config.trust_config = parse_path(a); }});
  table.push_back({.id = "modules.allow_unverified", .group = "Modules and trust",
                   .flag = "--allow-unverified-modules", .env = "CRYFTEE_ALLOW_UNVERIFIED_MODULES",
                   .default_text = "false",
                   .help = "DEVELOPMENT ONLY: load modules whose hash, signature or publisher does not "
                           "verify. Logged loudly at start.",
                   .kind = ValueKind::Boolean,
                   .apply = [](Draft& d, const Assignment& a) { d.config.allow_unverified_modules = parse_bool(a); }});
  table.push_back({.id = "modules.enabled", .group = "Modules and trust", .flag = "--modules-enabled",
                   .env = "CRYFTEE_MODULES_ENABLED", .value_name = "ID,...",
                   .help = "Load only these manifest modules (cryftgo passes this); the others are listed in "
                           "status as not enabled, and an id the manifest lacks is reported there. Not set: "
                           "every module.",
                   .kind = ValueKind::List,
                   .apply = [](Draft& d, const Assignment& a) { d.config.modules_enabled = parse_module_ids(a); }});

  // ---- API transport
  table.push_back({.id = "api.transport", .group = "API transport", .flag = "--api-transport",
                   .env = "CRYFTEE_API_TRANSPORT", .cryftgo_key = "api.transport", .value_name = "uds|https|http",
                   .default_text = kApiTransport,
                   .help = "Serve the API on a Unix socket (uds), over HTTPS on --http-addr (https), or over plain "
                           "HTTP on a loopback --http-addr (http; peers checked against --allowed-peer-uids "
                           "through the kernel's socket table).",
                   .apply = [](Draft& d, const Assignment& a) {
                     const std::string name = parse_choice(a, {"uds", "https", "http"});
                     d.config.transport = name == "https" ? Transport::Https : name == "http" ? Transport::Http : Transport::Uds;
                   }});
  table.push_back({.id = "api.uds_path", .group = "API transport", .flag = "--uds-path", .env = "CRYFTEE_UDS_PATH",
                   .cryftgo_key = "api.uds_path", .value_name = "PATH", .default_text = kUdsPath,
                   .help = "The API's Unix socket (uds transport). Created with mode 0660.",
                   .apply = [](Draft& d, const Assignment& a) {
                     auto path = parse_path(a);
                     if (path.native().size() > kMaxUdsPathLength) {
                       reject(a, "is too long for a Unix socket", "a path of at most " + std::to_string(kMaxUdsPathLength) + " bytes");
                     }
                     d.config.uds_path = std::move(path);
                   }});
  table.push_back({.id = "api.http_addr", .group = "API transport", .flag = "--http-addr", .env = "CRYFTEE_HTTP_ADDR",
                   .cryftgo_key = "api.http_addr", .value_name = "HOST:PORT", .default_text = kHttpAddr,
                   .help = "Listen address: the HTTPS API in https mode, the plain-HTTP kiosk listener in uds "
                           "mode, the loopback HTTP API in http mode (default there " + std::string(kLoopbackHttpAddr) +
                           "). IPv6 as [::1]:323.",
                   .apply = [](Draft& d, const Assignment& a) { d.config.http_addr = parse_host_port(a); }});

  // ---- Kiosk
  table.push_back({.id = "kiosk.enabled", .group = "Kiosk", .flag = "--kiosk", .negative_flag = "--no-kiosk",
                   .env = "CRYFTEE_KIOSK", .default_text = "true",
                   .help = "Serve the kiosk page and read-only views on --http-addr in uds mode.",
                   .kind = ValueKind::Boolean,
                   .apply = [](Draft& d, const Assignment& a) { d.config.kiosk_enabled = parse_bool(a); }});
  table.push_back({.id = "kiosk.ui_dir", .group = "Kiosk", .flag = "--ui-dir", .env = "CRYFTEE_UI_DIR",
                   .value_name = "PATH",
                   .default_text = std::string(kUiDir) + "; installed: PREFIX/share/cryftee/ui",
                   .help = "Folder of the kiosk web page.",
                   .apply = [](Draft& d, const Assignment& a) { d.config.ui_dir = parse_path(a); }});
  table.push_back({.id = "kiosk.hosts", .group = "Kiosk", .flag = "--kiosk-hosts", .env = "CRYFTEE_KIOSK_HOSTS",
                   .value_name = "NAME,...",
                   .help = "Host names the kiosk answers to besides its listen address (and, on a wildcard address, "
                           "this machine's addresses and localhost); any other Host gets 421.",
                   .kind = ValueKind::List,
                   .apply = [](Draft& d, const Assignment& a) { d.config.kiosk_hosts = parse_host_names(a); }});
  table.push_back({.id = "kiosk.max_connections", .group = "Kiosk", .flag = "--kiosk-max-connections",
                   .env = "CRYFTEE_KIOSK_MAX_CONNECTIONS", .value_name = "N", .default_text = number_text(kKioskMaxConnections),
                   .help = "Open connections on the kiosk listener, a budget apart from the API's; beyond it a "
                           "new connection gets 503 too_many_connections.",
                   .kind = ValueKind::Integer,
                   .apply = [](Draft& d, const Assignment& a) {
                     d.config.limits.kiosk_max_connections = parse_integer(a, 1, kMaxConnectionsCeiling);
                   }});
  table.push_back({.id = "kiosk.max_connections_per_peer", .group = "Kiosk", .flag = "--kiosk-max-connections-per-peer",
                   .env = "CRYFTEE_KIOSK_MAX_CONNECTIONS_PER_PEER", .value_name = "N",
                   .default_text = number_text(kKioskMaxConnectionsPerPeer),
                   .help = "Open kiosk connections from one IP address (one /64 for IPv6); beyond it 503.",
                   .kind = ValueKind::Integer,
                   .apply = [](Draft& d, const Assignment& a) {
                     d.config.limits.kiosk_max_connections_per_peer = parse_integer(a, 1, kMaxConnectionsCeiling);
                   }});
  table.push_back({.id = "kiosk.idle_timeout_ms", .group = "Kiosk", .flag = "--kiosk-idle-timeout-ms",
                   .env = "CRYFTEE_KIOSK_IDLE_TIMEOUT_MS", .value_name = "MS",
                   .default_text = number_text(milliseconds(kKioskIdleTimeout)),
                   .help = "A kiosk connection with no request for this long is closed.", .kind = ValueKind::Integer,
                   .apply = [](Draft& d, const Assignment& a) {
                     d.config.limits.kiosk_idle_timeout = std::chrono::milliseconds(parse_integer(a, 1, milliseconds(kMaxIdleTimeout)));
                   }});

  // ---- TLS
  table.push_back({.id = "tls.cert", .group = "TLS (https transport)", .flag = "--tls-cert", .env = "CRYFTEE_TLS_CERT",
                   .value_name = "PATH", .help = "PEM certificate (chain) of the HTTPS listener. Required for https.",
                   .apply = [](Draft& d, const Assignment& a) { d.config.tls_cert = parse_path(a); }});
  table.push_back({.id = "tls.key", .group = "TLS (https transport)", .flag = "--tls-key", .env = "CRYFTEE_TLS_KEY",
                   .value_name = "PATH", .help = "PEM private key of the HTTPS listener. Required for https.",
                   .apply = [](Draft& d, const Assignment& a) { d.config.tls_key = parse_path(a); }});
  table.push_back({.id = "tls.client_ca", .group = "TLS (https transport)", .flag = "--tls-client-ca",
                   .env = "CRYFTEE_TLS_CLIENT_CA", .value_name = "PATH",
                   .help = "PEM CA bundle; a client certificate it signed authorises staking routes (not admin routes, which need the admin token).",
                   .apply = [](Draft& d, const Assignment& a) { d.config.tls_client_ca = parse_path(a); }});

  // ---- Access control
  table.push_back({.id = "access.admin_token", .group = "Access control", .env = "CRYFTEE_ADMIN_TOKEN", .in_toml = false,
                   .help = "Bearer token for admin routes (environment only: argv is visible to every user). "
                           "At least " + std::to_string(kMinAdminTokenLength) + " printable characters.",
                   .secret = true,
                   .apply = [](Draft& d, const Assignment& a) { d.admin_token = parse_text(a); }});
  table.push_back({.id = "access.admin_token_file", .group = "Access control", .flag = "--admin-token-file",
                   .env = "CRYFTEE_ADMIN_TOKEN_FILE", .value_name = "PATH",
                   .help = "File holding the admin bearer token; must not be accessible by group or others "
                           "(chmod 600).",
                   .apply = [](Draft& d, const Assignment& a) { d.admin_token_file = parse_path(a); }});
  table.push_back({.id = "access.allow_loopback_admin", .group = "Access control", .flag = "--allow-loopback-admin",
                   .negative_flag = "--no-loopback-admin", .env = "CRYFTEE_ALLOW_LOOPBACK_ADMIN", .default_text = "true",
                   .help = "Let peers the kernel names by uid (the Unix socket, the loopback http transport, "
                           "loopback https peers on the uid allow-list) use admin routes without the token, and "
                           "such https peers staking routes without a client certificate. Other TCP peers, "
                           "loopback included, always need them.",
                   .kind = ValueKind::Boolean,
                   .apply = [](Draft& d, const Assignment& a) { d.config.allow_loopback_admin = parse_bool(a); }});
  table.push_back({.id = "access.allowed_peer_uids", .group = "Access control", .flag = "--allowed-peer-uids",
                   .env = "CRYFTEE_ALLOWED_PEER_UIDS", .value_name = "UID,...",
                   .help = "Only these user ids may talk over the Unix socket (SO_PEERCRED) or the loopback "
                           "http API (sock_diag); empty: any peer that can open the socket, and on http only "
                           "the daemon's own user.",
                   .kind = ValueKind::List,
                   .apply = [](Draft& d, const Assignment& a) { d.config.allowed_peer_uids = parse_uids(a); }});

  // ---- Limits
  table.push_back({.id = "limits.max_body_bytes", .group = "Limits", .flag = "--max-body-bytes",
                   .env = "CRYFTEE_MAX_BODY_BYTES", .value_name = "N", .default_text = number_text(kMaxBodyBytes),
                   .help = "Largest request body; a larger one gets 413.", .kind = ValueKind::Integer,
                   .apply = [](Draft& d, const Assignment& a) { d.config.limits.max_body_bytes = parse_integer(a, 1, kMaxBodyBytesCeiling); }});
  table.push_back({.id = "limits.max_header_bytes", .group = "Limits", .flag = "--max-header-bytes",
                   .env = "CRYFTEE_MAX_HEADER_BYTES", .value_name = "N", .default_text = number_text(kMaxHeaderBytes),
                   .help = "Largest request head (request line and headers).", .kind = ValueKind::Integer,
                   .apply = [](Draft& d, const Assignment& a) {
                     d.config.limits.max_header_bytes = parse_integer(a, kMinHeaderBytes, kMaxHeaderBytesCeiling);
                   }});
  table.push_back({.id = "limits.max_connections", .group = "Limits", .flag = "--max-connections",
                   .env = "CRYFTEE_MAX_CONNECTIONS", .value_name = "N", .default_text = number_text(kMaxConnections),
                   .help = "Open connections on the API listener (Unix socket, HTTPS or HTTP); beyond it a new "
                           "connection gets 503 too_many_connections and is closed. The gRPC signer's Unix or "
                           "loopback listener has a budget of the same size; beyond it a connection is closed.",
                   .kind = ValueKind::Integer,
                   .apply = [](Draft& d, const Assignment& a) { d.config.limits.max_connections = parse_integer(a, 1, kMaxConnectionsCeiling); }});
  table.push_back({.id = "limits.request_timeout_ms", .group = "Limits", .flag = "--request-timeout-ms",
                   .env = "CRYFTEE_REQUEST_TIMEOUT_MS", .value_name = "MS",
                   .default_text = number_text(milliseconds(kRequestTimeout)),
                   .help = "Time a client has to send a whole request and the daemon to answer it.",
                   .kind = ValueKind::Integer,
                   .apply = [](Draft& d, const Assignment& a) {
                     d.config.limits.request_timeout = std::chrono::milliseconds(parse_integer(a, 1, milliseconds(kMaxRequestTimeout)));
                   }});
  table.push_back({.id = "limits.idle_timeout_ms", .group = "Limits", .flag = "--idle-timeout-ms",
                   .env = "CRYFTEE_IDLE_TIMEOUT_MS", .value_name = "MS",
                   .default_text = number_text(milliseconds(kIdleTimeout)),
                   .help = "A keep-alive connection with no request for this long is closed.", .kind = ValueKind::Integer,
                   .apply = [](Draft& d, const Assignment& a) {
                     d.config.limits.idle_timeout = std::chrono::milliseconds(parse_integer(a, 1, milliseconds(kMaxIdleTimeout)));
                   }});

  table.push_back({.id = "limits.max_keys_per_peer", .group = "Limits", .flag = "--max-keys-per-peer",
                   .env = "CRYFTEE_MAX_KEYS_PER_PEER", .value_name = "N", .default_text = number_text(kMaxKeysPerPeer),
                   .help = "Keys one client (a Unix-socket uid, a TCP address) may register; more need the admin "
                           "token (403 key_quota_exceeded).",
                   .kind = ValueKind::Integer,
                   .apply = [](Draft& d, const Assignment& a) {
                     d.config.limits.max_keys_per_peer = parse_integer(a, 1, kMaxKeysPerPeerCeiling);
                   }});

  // ---- Threads
  table.push_back({.id = "runtime.io_threads", .group = "Threads", .flag = "--io-threads", .env = "CRYFTEE_IO_THREADS",
                   .value_name = "N", .default_text = number_text(kIoThreads),
                   .help = "Threads serving connections; 0: one per core.", .kind = ValueKind::Integer,
                   .apply = [](Draft& d, const Assignment& a) { d.config.io_threads = static_cast<unsigned>(parse_integer(a, 0, kMaxIoThreads)); }});
  table.push_back({.id = "runtime.keepalive_spin_us", .group = "Threads", .flag = "--keepalive-spin-us",
                   .env = "CRYFTEE_KEEPALIVE_SPIN_US", .value_name = "US",
                   .default_text = number_text(static_cast<std::uint64_t>(kKeepAliveSpin.count())),
                   .help = "After answering on a keep-alive connection (Unix socket, plain HTTP), the thread watches "
                           "it this many microseconds for the next request, yielding the CPU between looks, while no "
                           "more connections are open than I/O threads; 0: never.",
                   .kind = ValueKind::Integer,
                   .apply = [](Draft& d, const Assignment& a) {
                     d.config.keepalive_spin = std::chrono::microseconds(
                         parse_integer(a, 0, static_cast<std::uint64_t>(kMaxKeepAliveSpin.count())));
                   }});
  table.push_back({.id = "runtime.engine_workers", .group = "Threads", .flag = "--engine-workers",
                   .env = "CRYFTEE_ENGINE_WORKERS", .value_name = "N", .default_text = number_text(kEngineWorkers),
                   .help = "Module instances that run calls in parallel; 0: one per core.", .kind = ValueKind::Integer,
                   .apply = [](Draft& d, const Assignment& a) {
                     d.config.engine_workers = static_cast<unsigned>(parse_integer(a, 0, kMaxEngineWorkers));
                   }});

  // ---- Module engine
  table.push_back({.id = "runtime.engine", .group = "Module engine", .flag = "--engine", .env = "CRYFTEE_ENGINE",
                   .value_name = "NAME", .default_text = kEngine,
                   .help = "The WebAssembly engine that runs modules, one of those built in (this build: " +
                           comma_separated(built_in_engines()) + "); another name stops the start.",
                   .apply = [](Draft& d, const Assignment& a) { d.config.engine = parse_choice(a, built_in_engines()); }});

  // ---- Logging
  table.push_back({.id = "log.level", .group = "Logging", .flag = "--log-level", .env = "CRYFTEE_LOG_LEVEL",
                   .value_name = "debug|info|warn|error", .default_text = kLogLevel, .help = "Least severe event logged.",
                   .apply = [](Draft& d, const Assignment& a) {
                     d.config.log_level = parse_choice(a, {"debug", "info", "warn", "error"});
                   }});
  table.push_back({.id = "log.format", .group = "Logging", .flag = "--log-format", .env = "CRYFTEE_LOG_FORMAT",
                   .value_name = "text|json", .default_text = kLogFormat,
                   .help = "key=value text lines or one JSON object per line, on stderr.",
                   .apply = [](Draft& d, const Assignment& a) {
                     d.config.log_format = parse_choice(a, {"text", "json"}) == "json" ? LogFormat::Json : LogFormat::Text;
                   }});

  // ---- Attestation
  table.push_back({.id = "attestation.verified_binary_hash", .group = "Attestation", .flag = "--verified-binary-hash",
                   .env = "CRYFTEE_VERIFIED_BINARY_HASH", .cryftgo_key = "security.verified_binary_hash",
                   .value_name = "sha256:HEX",
                   .help = "Expected hash of the cryftee binary; attestation compares it with the computed one.",
                   .apply = [](Draft& d, const Assignment& a) { d.config.verified_binary_hash = parse_sha256_reference(a); }});
  table.push_back({.id = "attestation.key_file", .group = "Attestation", .flag = "--attestation-key-file",
                   .env = "CRYFTEE_ATTESTATION_KEY_FILE", .value_name = "PATH",
                   .help = "Ed25519 key that signs attestations; without it the key store's attestation key (the same "
                           "across restarts with a durable sealer), else a fresh key at each start.",
                   .apply = [](Draft& d, const Assignment& a) { d.config.attestation_key_file = parse_path(a); }});

  // ---- Web3Signer custody
  table.push_back({.id = "web3signer.enabled", .group = "Web3Signer custody", .flag = "--web3signer-enabled",
                   .env = "CRYFTEE_WEB3SIGNER_ENABLED", .cryftgo_key = "modules.staking.web3signer_enabled",
                   .default_text = "false", .help = "Keep BLS keys in Web3Signer (needs --web3signer-url).",
                   .kind = ValueKind::Boolean,
                   .apply = [](Draft& d, const Assignment& a) { d.config.web3signer.enabled = parse_bool(a); }});
  table.push_back({.id = "web3signer.urls", .group = "Web3Signer custody", .flag = "--web3signer-url",
                   .env = "CRYFTEE_WEB3SIGNER_URL", .cryftgo_key = "modules.staking.web3signer_url",
                   .value_name = "URL,...", .help = "Web3Signer base URL(s), http:// or https://.",
                   .kind = ValueKind::List,
                   .apply = [](Draft& d, const Assignment& a) { d.config.web3signer.urls = parse_http_urls(a); }});
  table.push_back({.id = "web3signer.ephemeral", .group = "Web3Signer custody", .flag = "--web3signer-ephemeral",
                   .env = "CRYFTEE_WEB3SIGNER_EPHEMERAL", .default_text = "false",
                   .help = "Use a key that lives only for this run instead of a persistent one.",
                   .kind = ValueKind::Boolean,
                   .apply = [](Draft& d, const Assignment& a) { d.config.web3signer.ephemeral = parse_bool(a); }});
  table.push_back({.id = "web3signer.ca_file", .group = "Web3Signer custody", .flag = "--web3signer-ca-file",
                   .env = "CRYFTEE_WEB3SIGNER_CA_FILE", .value_name = "PATH",
                   .help = "PEM CA bundle to trust for https Web3Signer URLs; not set: the system's CAs.",
                   .apply = [](Draft& d, const Assignment& a) { d.config.web3signer.ca_file = parse_path(a); }});
  table.push_back({.id = "web3signer.client_cert", .group = "Web3Signer custody", .flag = "--web3signer-client-cert",
                   .env = "CRYFTEE_WEB3SIGNER_CLIENT_CERT", .value_name = "PATH",
                   .help = "PEM client certificate presented to Web3Signer (with --web3signer-client-key).",
                   .apply = [](Draft& d, const Assignment& a) { d.config.web3signer.client_cert = parse_path(a); }});
  table.push_back({.id = "web3signer.client_key", .group = "Web3Signer custody", .flag = "--web3signer-client-key",
                   .env = "CRYFTEE_WEB3SIGNER_CLIENT_KEY", .value_name = "PATH",
                   .help = "PEM private key of the Web3Signer client certificate.",
                   .apply = [](Draft& d, const Assignment& a) { d.config.web3signer.client_key = parse_path(a); }});
  table.push_back({.id = "web3signer.auth_token", .group = "Web3Signer custody", .env = "CRYFTEE_WEB3SIGNER_AUTH_TOKEN",
                   .in_toml = false,
                   .help = "Bearer token of Web3Signer's Keymanager API (environment only; never logged or echoed).",
                   .secret = true,
                   .apply = [](Draft& d, const Assignment& a) { d.web3signer_auth_token = parse_text(a); }});
  table.push_back({.id = "web3signer.auth_token_file", .group = "Web3Signer custody",
                   .flag = "--web3signer-auth-token-file", .env = "CRYFTEE_WEB3SIGNER_AUTH_TOKEN_FILE",
                   .value_name = "PATH",
                   .help = "File holding the Keymanager bearer token; must not be accessible by group or others.",
                   .apply = [](Draft& d, const Assignment& a) { d.web3signer_auth_token_file = parse_path(a); }});
  table.push_back({.id = "web3signer.keystore_password", .group = "Web3Signer custody",
                   .env = "CRYFTEE_WEB3SIGNER_KEYSTORE_PASSWORD", .in_toml = false,
                   .help = "Password of the keystores mode 'persistent' imports into Web3Signer (environment "
                           "only; never logged or echoed).",
                   .secret = true,
                   .apply = [](Draft& d, const Assignment& a) { d.web3signer_keystore_password = parse_text(a); }});
  table.push_back({.id = "web3signer.keystore_password_file", .group = "Web3Signer custody",
                   .flag = "--web3signer-keystore-password-file", .env = "CRYFTEE_WEB3SIGNER_KEYSTORE_PASSWORD_FILE",
                   .value_name = "PATH",
                   .help = "File holding that keystore password; must not be accessible by group or others.",
                   .apply = [](Draft& d, const Assignment& a) { d.web3signer_keystore_password_file = parse_path(a); }});
  table.push_back({.id = "web3signer.keep_in_memory", .group = "Web3Signer custody",
                   .flag = "--web3signer-keep-in-memory", .env = "CRYFTEE_WEB3SIGNER_KEEP_IN_MEMORY",
                   .default_text = "false",
                   .help = "Also keep each persistent key in memory so raw Avalanche messages can be signed.",
                   .kind = ValueKind::Boolean,
                   .apply = [](Draft& d, const Assignment& a) { d.config.web3signer.keep_in_memory = parse_bool(a); }});
  table.push_back({.id = "web3signer.connect_timeout_ms", .group = "Web3Signer custody",
                   .flag = "--web3signer-connect-timeout-ms", .env = "CRYFTEE_WEB3SIGNER_CONNECT_TIMEOUT_MS",
                   .value_name = "MS", .default_text = number_text(milliseconds(kWeb3SignerConnectTimeout)),
                   .help = "Time to open a connection to Web3Signer.", .kind = ValueKind::Integer,
                   .apply = [](Draft& d, const Assignment& a) {
                     d.config.web3signer.connect_timeout =
                         std::chrono::milliseconds(parse_integer(a, 1, milliseconds(kMaxWeb3SignerConnectTimeout)));
                   }});
  table.push_back({.id = "web3signer.timeout_ms", .group = "Web3Signer custody", .flag = "--web3signer-timeout-ms",
                   .env = "CRYFTEE_WEB3SIGNER_TIMEOUT_MS", .value_name = "MS",
                   .default_text = number_text(milliseconds(kWeb3SignerRequestTimeout)),
                   .help = "Time for one whole Web3Signer request.", .kind = ValueKind::Integer,
                   .apply = [](Draft& d, const Assignment& a) {
                     d.config.web3signer.request_timeout =
                         std::chrono::milliseconds(parse_integer(a, 1, milliseconds(kMaxWeb3SignerRequestTimeout)));
                   }});
  table.push_back({.id = "web3signer.max_attempts", .group = "Web3Signer custody", .flag = "--web3signer-max-attempts",
                   .env = "CRYFTEE_WEB3SIGNER_MAX_ATTEMPTS", .value_name = "N",
                   .default_text = number_text(kWeb3SignerMaxAttempts),
                   .help = "Tries per idempotent Web3Signer call, the first included.", .kind = ValueKind::Integer,
                   .apply = [](Draft& d, const Assignment& a) {
                     d.config.web3signer.max_attempts = static_cast<unsigned>(parse_integer(a, 1, kMaxWeb3SignerAttempts));
                   }});
  table.push_back({.id = "web3signer.retry_backoff_ms", .group = "Web3Signer custody",
                   .flag = "--web3signer-retry-backoff-ms", .env = "CRYFTEE_WEB3SIGNER_RETRY_BACKOFF_MS",
                   .value_name = "MS", .default_text = number_text(milliseconds(kWeb3SignerRetryBackoff)),
                   .help = "Wait before the first retry; it doubles for each further one.", .kind = ValueKind::Integer,
                   .apply = [](Draft& d, const Assignment& a) {
                     d.config.web3signer.retry_backoff =
                         std::chrono::milliseconds(parse_integer(a, 1, milliseconds(kMaxWeb3SignerRetryBackoff)));
                   }});
  table.push_back({.id = "web3signer.health_interval_ms", .group = "Web3Signer custody",
                   .flag = "--web3signer-health-interval-ms", .env = "CRYFTEE_WEB3SIGNER_HEALTH_INTERVAL_MS",
                   .value_name = "MS", .default_text = number_text(milliseconds(kWeb3SignerHealthInterval)),
                   .help = "How often Web3Signer's health is checked for the status route.", .kind = ValueKind::Integer,
                   .apply = [](Draft& d, const Assignment& a) {
                     d.config.web3signer.health_interval = std::chrono::milliseconds(parse_integer(
                         a, milliseconds(kMinWeb3SignerHealthInterval), milliseconds(kMaxWeb3SignerHealthInterval)));
                   }});
  table.push_back({.id = "web3signer.key_material", .group = "Web3Signer custody",
                   .env = "CRYFTEE_WEB3SIGNER_KEY_MATERIAL", .in_toml = false,
                   .help = "Base64 of a 32-byte BLS secret key handed over by cryftgo (environment only; "
                           "never logged or echoed).",
                   .secret = true,
                   .apply = [](Draft& d, const Assignment& a) {
                     d.config.web3signer.key_material = parse_base64_secret(a, kWeb3SignerKeyMaterialBytes);
                   }});

  // ---- Keys
  table.push_back({.id = "keys.data_dir", .group = "Keys", .flag = "--key-data-dir", .env = "CRYFTEE_KEY_DATA_DIR",
                   .value_name = "PATH",
                   .help = "Key data folder (cryftgo sets it). Keys are kept, sealed, in its subfolder "
                           "cryftee-keys and survive restarts; see --sealer.",
                   .apply = [](Draft& d, const Assignment& a) { d.config.key_data_dir = parse_path(a); }});
  table.push_back({.id = "keys.sealer", .group = "Keys", .flag = "--sealer", .env = "CRYFTEE_SEALER",
                   .value_name = "auto|tpm|passphrase|none", .default_text = kSealer,
                   .help = "How keys in --key-data-dir are sealed. auto: tpm when a TPM answers, else passphrase "
                           "when one is given, else refuse to start. none: memory only, keys are lost at "
                           "restart. Without --key-data-dir keys are never written (none).",
                   .apply = [](Draft& d, const Assignment& a) {
                     d.config.key_store.sealer = parse_choice(a, {"auto", "tpm", "passphrase", "none"});
                   }});
  table.push_back({.id = "keys.seal_passphrase", .group = "Keys", .env = "CRYFTEE_SEAL_PASSPHRASE", .in_toml = false,
                   .help = "Passphrase of the passphrase sealer (environment only, removed from the process "
                           "environment once read; never logged or echoed).",
                   .secret = true,
                   .apply = [](Draft& d, const Assignment& a) { d.seal_passphrase = parse_text(a); }});
  table.push_back({.id = "keys.seal_passphrase_file", .group = "Keys", .flag = "--seal-passphrase-file",
                   .env = "CRYFTEE_SEAL_PASSPHRASE_FILE", .value_name = "PATH",
                   .help = "File holding the seal passphrase; must not be accessible by group or others. Without "
                           "either, the systemd credential 'seal_passphrase' ($CREDENTIALS_DIRECTORY) is read.",
                   .apply = [](Draft& d, const Assignment& a) { d.seal_passphrase_file = parse_path(a); }});
  table.push_back({.id = "keys.tpm_tcti", .group = "Keys", .flag = "--tpm-tcti", .env = "CRYFTEE_TPM_TCTI",
                   .value_name = "TCTI", .default_text = kTpmTcti,
                   .help = "How to reach the TPM (tpm2-tss TCTI), e.g. swtpm:host=127.0.0.1,port=2321.",
                   .apply = [](Draft& d, const Assignment& a) { d.config.key_store.tpm_tcti = parse_text(a); }});
  table.push_back({.id = "keys.tpm_pcrs", .group = "Keys", .flag = "--tpm-pcrs", .env = "CRYFTEE_TPM_PCRS",
                   .value_name = "N,...",
                   .help = "SHA-256 PCRs a TPM seal is bound to (e.g. 7): a changed boot chain cannot unseal. "
                           "Empty: no PCR policy.",
                   .kind = ValueKind::List,
                   .apply = [](Draft& d, const Assignment& a) {
                     d.config.key_store.tpm_pcrs = parse_pcr_indexes(a, kMaxTpmPcrIndex);
                   }});
  table.push_back({.id = "keys.allow_backup", .group = "Keys", .flag = "--allow-key-backup",
                   .env = "CRYFTEE_ALLOW_KEY_BACKUP", .default_text = "false",
                   .help = "Allow `cryftee keys backup` to re-seal the key records under a backup passphrase "
                           "into a file.",
                   .kind = ValueKind::Boolean,
                   .apply = [](Draft& d, const Assignment& a) { d.config.key_store.allow_backup = parse_bool(a); }});

  // ---- Signing policy
  table.push_back({.id = "signing.bls_policy", .group = "Signing policy", .flag = "--bls-policy",
                   .env = "CRYFTEE_BLS_POLICY", .value_name = "avalanche|open", .default_text = kBlsPolicy,
                   .help = "What the signer module signs. avalanche: the proof-of-possession DST only over the "
                           "key's own public key or a 26-byte signed-IP payload. open: any message with either "
                           "DST (other chains, known-answer tests).",
                   .apply = [](Draft& d, const Assignment& a) {
                     d.config.signing_policy.bls =
                         parse_choice(a, {"avalanche", "open"}) == "open" ? BlsPolicy::Open : BlsPolicy::Avalanche;
                   }});
  table.push_back({.id = "signing.bls_warp_network_id", .group = "Signing policy", .flag = "--bls-warp-network-id",
                   .env = "CRYFTEE_BLS_WARP_NETWORK_ID", .value_name = "ID",
                   .help = "With --bls-policy avalanche, the signature DST signs only well-formed warp unsigned "
                           "messages of this network ID. Not set: any message.",
                   .kind = ValueKind::Integer,
                   .apply = [](Draft& d, const Assignment& a) {
                     d.config.signing_policy.warp_network_id = static_cast<std::uint32_t>(parse_integer(a, 0, UINT32_MAX));
                   }});

  // ---- AvalancheGo signer (gRPC)
  table.push_back({.id = "grpc_signer.addr", .group = "AvalancheGo signer (gRPC)", .flag = "--grpc-signer-addr",
                   .env = "CRYFTEE_GRPC_SIGNER_ADDR", .value_name = "HOST:PORT|unix:PATH",
                   .help = "Serve AvalancheGo's remote signer (signer.proto) for a node's "
                           "--staking-rpc-signer-endpoint: a loopback HOST:PORT, or unix:PATH (mode 0660, "
                           "--allowed-peer-uids applies). Any other address needs --tls-cert, --tls-key and "
                           "--tls-client-ca (clients must then present a certificate). Not set: no gRPC signer.",
                   .apply = [](Draft& d, const Assignment& a) { parse_grpc_signer_addr(a, d.config.grpc_signer); }});
  table.push_back({.id = "grpc_signer.key", .group = "AvalancheGo signer (gRPC)", .flag = "--grpc-signer-key",
                   .env = "CRYFTEE_GRPC_SIGNER_KEY", .value_name = "PUBKEY|HANDLE",
                   .help = "The BLS key the gRPC signer signs with, present at start: its public key (hex or "
                           "base64) or its key handle. Not set: the one durable BLS key; with none or several, "
                           "start is refused with a line that lists them.",
                   .apply = [](Draft& d, const Assignment& a) { d.config.grpc_signer.key = parse_key_reference(a); }});
  return table;
}

}  // namespace

std::string Draft::origin_of(std::string_view id, std::string_view fallback) const {
  const auto found = sources.find(id);
  return found == sources.end() ? std::string(fallback) : found->second.origin;
}

const std::vector<Setting>& settings() {
  static const std::vector<Setting> table = build_settings();
  return table;
}

const Setting* find_setting(std::string_view id) {
  const auto& table = settings();
  const auto found = std::find_if(table.begin(), table.end(), [&](const Setting& s) { return s.id == id; });
  return found == table.end() ? nullptr : &*found;
}

}  // namespace cryftee::config
