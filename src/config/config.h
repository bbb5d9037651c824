#pragma once
// The daemon's settings, resolved once at start-up (flag > environment > config file > default) into
// one immutable value. See config/loader.h for how it is built and config/defaults.h for the defaults.
#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "config/defaults.h"
#include "util/log.h"

namespace cryftee {

// uds: the Unix socket; https: TLS on http_addr; http: plain HTTP on a loopback http_addr only, each
// peer identified by its uid from the kernel (sock_diag), as on the Unix socket.
enum class Transport { Uds, Https, Http };

inline const char* transport_name(Transport transport) {
  switch (transport) {
    case Transport::Uds: return "uds";
    case Transport::Https: return "https";
    case Transport::Http: return "http";
  }
  return "uds";
}

struct HostPort {
  std::string host;  // an IP address literal; IPv6 without the brackets of "[::1]:323"
  unsigned short port = 0;
};

// 127.0.0.0/8, ::1 or an IPv4-mapped 127.0.0.0/8 address (config/values.cpp).
bool is_loopback(const HostPort& address);

struct Limits {
  std::size_t max_body_bytes = defaults::kMaxBodyBytes;
  std::size_t max_header_bytes = defaults::kMaxHeaderBytes;
  std::size_t max_connections = defaults::kMaxConnections;
  std::chrono::milliseconds request_timeout = defaults::kRequestTimeout;
  std::chrono::milliseconds idle_timeout = defaults::kIdleTimeout;
  std::size_t kiosk_max_connections = defaults::kKioskMaxConnections;
  std::size_t kiosk_max_connections_per_peer = defaults::kKioskMaxConnectionsPerPeer;
  std::chrono::milliseconds kiosk_idle_timeout = defaults::kKioskIdleTimeout;
  std::size_t max_keys_per_peer = defaults::kMaxKeysPerPeer;
};

struct Web3SignerSettings {
  bool enabled = false;
  std::vector<std::string> urls;  // tried in order; the first that answers is used until it fails
  bool ephemeral = false;
  // Base64 BLS secret that cryftgo may hand over at start; a secret: never log or echo it.
  std::optional<std::string> key_material;

  // HTTPS towards Web3Signer: CA bundle to trust (default: the system's) and an optional client identity.
  std::optional<std::filesystem::path> ca_file;
  std::optional<std::filesystem::path> client_cert;
  std::optional<std::filesystem::path> client_key;
  // Bearer token for the Keymanager API when Web3Signer requires one; a secret: never log or echo it.
  std::optional<std::string> auth_token;
  // Password of the EIP-2335 keystores that mode "persistent" imports into Web3Signer; a secret: never log
  // or echo it. Without one, "persistent" is refused.
  std::optional<std::string> keystore_password;
  // Keep a copy of a persistent key in memory custody too, so raw (Avalanche) messages can be signed with it.
  bool keep_in_memory = false;

  std::chrono::milliseconds connect_timeout = defaults::kWeb3SignerConnectTimeout;
  std::chrono::milliseconds request_timeout = defaults::kWeb3SignerRequestTimeout;
  unsigned max_attempts = defaults::kWeb3SignerMaxAttempts;  // per idempotent call, first try included
  std::chrono::milliseconds retry_backoff = defaults::kWeb3SignerRetryBackoff;  // doubles per retry
  std::chrono::milliseconds health_interval = defaults::kWeb3SignerHealthInterval;
};

// The sealed key store (key_store/): which sealer keeps the keys of --key-data-dir, and its settings.
struct KeyStoreSettings {
  std::string sealer = defaults::kSealer;  // auto | tpm | passphrase | none
  // The passphrase of the passphrase sealer; a secret: never log or echo it. Read from the environment
  // (then removed from it), a 0600 file or the systemd credential; never from a flag.
  std::optional<std::string> seal_passphrase;
  std::string tpm_tcti = defaults::kTpmTcti;
  std::vector<unsigned> tpm_pcrs;  // SHA-256 PCR indexes the TPM seal is bound to; empty: none
  bool allow_backup = false;       // `cryftee keys backup` refuses without it
};

// What the signer module agrees to sign (see modules/bls_tls_signer_v1 and docs/abi.md "hostContext").
enum class BlsPolicy { Avalanche, Open };
struct SigningPolicy {
  BlsPolicy bls = BlsPolicy::Avalanche;
  std::optional<std::uint32_t> warp_network_id;  // set: the signature DST signs only this network's warp messages
};

// AvalancheGo's remote signer over gRPC (src/grpc/); off unless an address is set.
struct GrpcSignerSettings {
  std::optional<std::filesystem::path> unix_path;  // from "unix:PATH"
  std::optional<HostPort> address;                 // from "HOST:PORT": loopback, or any with mTLS
  // The BLS key it signs with: a public key (hex or base64) or a key handle; unset: the only durable key.
  std::optional<std::string> key;

  bool enabled() const { return unix_path.has_value() || address.has_value(); }
};

struct Config {
  // Modules and trust
  std::filesystem::path module_dir = defaults::kModuleDir;
  std::filesystem::path manifest_path;  // default: {module_dir}/manifest.json
  std::filesystem::path ui_dir = defaults::kUiDir;
  std::optional<std::filesystem::path> trust_config;
  // Development only: load modules whose hash or signature does not verify. Logged loudly.
  bool allow_unverified_modules = false;
  // When set, only the manifest's modules with these ids are loaded; the others are listed as not enabled.
  std::optional<std::vector<std::string>> modules_enabled;

  // Transports
  Transport transport = Transport::Uds;
  std::filesystem::path uds_path = defaults::kUdsPath;
  HostPort http_addr;  // the API (and kiosk) in https and http mode; plain-HTTP kiosk listener in uds mode
  bool kiosk_enabled = true;
  // Host names the kiosk answers to besides its own listen addresses (lower case, without port).
  std::vector<std::string> kiosk_hosts;
  std::optional<std::filesystem::path> tls_cert;
  std::optional<std::filesystem::path> tls_key;
  std::optional<std::filesystem::path> tls_client_ca;

  // Access control
  std::optional<std::string> admin_token;  // a secret: never log or echo it
  bool allow_loopback_admin = true;
  std::vector<uid_t> allowed_peer_uids;  // empty: any peer that can open the socket

  Limits limits;
  unsigned io_threads = 0;      // 0: one per core
  std::chrono::microseconds keepalive_spin = defaults::kKeepAliveSpin;  // 0: no keep-alive spin
  unsigned engine_workers = 0;  // module instances that run calls in parallel; 0: one per core
  std::string engine = defaults::kEngine;  // one of the engines built in (engine::kEngines)

  // Logging
  std::string log_level = defaults::kLogLevel;
  LogFormat log_format = LogFormat::Text;

  // Attestation
  std::optional<std::string> verified_binary_hash;  // "sha256:<hex>", compared, never copied
  std::optional<std::filesystem::path> attestation_key_file;

  // Custody
  Web3SignerSettings web3signer;
  std::optional<std::filesystem::path> key_data_dir;
  KeyStoreSettings key_store;
  SigningPolicy signing_policy;

  GrpcSignerSettings grpc_signer;

  // Where the values came from, for the start-up log line (file paths and setting names, never values).
  std::vector<std::string> sources;
  // Things worth a warning in the start-up log, e.g. an unknown CRYFTEE_* variable (likely a typo).
  std::vector<std::string> warnings;
};

}  // namespace cryftee
