#pragma once
// Every default and limit of the daemon, in one place. --help, config/cryftee.example.toml and the
// README quote these; change them here and there together.
#include <chrono>
#include <cstddef>

namespace cryftee::defaults {

inline constexpr const char* kModuleDir = "./modules";
inline constexpr const char* kManifestFile = "manifest.json";  // relative to the module dir
inline constexpr const char* kUiDir = "./ui";
inline constexpr const char* kApiTransport = "uds";
inline constexpr const char* kUdsPath = "/var/run/cryftee.sock";
inline constexpr const char* kHttpAddr = "0.0.0.0:323";
// With the http transport (loopback only) the default address is cryftgo's own default.
inline constexpr const char* kLoopbackHttpAddr = "127.0.0.1:8787";
inline constexpr const char* kLogLevel = "info";
inline constexpr const char* kLogFormat = "text";
inline constexpr const char* kBlsPolicy = "avalanche";

// Web3Signer client (custody/web3signer_client.h) and its health checker.
inline constexpr std::chrono::milliseconds kWeb3SignerConnectTimeout{2'000};
inline constexpr std::chrono::milliseconds kWeb3SignerRequestTimeout{5'000};
inline constexpr unsigned kWeb3SignerMaxAttempts = 3;
inline constexpr std::chrono::milliseconds kWeb3SignerRetryBackoff{100};
inline constexpr std::chrono::milliseconds kWeb3SignerHealthInterval{5'000};
inline constexpr std::size_t kWeb3SignerMaxResponseBytes = 4 << 20;  // 4 MiB
inline constexpr std::size_t kWeb3SignerIdleHandles = 8;  // pooled keep-alive connections kept when idle

// Key store (key_store/): the sealer chosen when none is named, and the TPM reached by default (the
// kernel's resource manager).
inline constexpr const char* kSealer = "auto";
inline constexpr const char* kTpmTcti = "device:/dev/tpmrm0";
inline constexpr unsigned kMaxTpmPcrIndex = 23;
// The systemd credential (LoadCredential=) read as the seal passphrase when no other source gives one.
inline constexpr const char* kSealPassphraseCredential = "seal_passphrase";

inline constexpr unsigned kUdsSocketMode = 0660;
inline constexpr std::size_t kMaxBodyBytes = 1 << 20;        // 1 MiB
inline constexpr std::size_t kMaxHeaderBytes = 16 << 10;     // 16 KiB
inline constexpr std::size_t kMaxConnections = 1024;
inline constexpr std::chrono::milliseconds kRequestTimeout{10'000};
inline constexpr std::chrono::milliseconds kIdleTimeout{60'000};
inline constexpr std::chrono::milliseconds kShutdownDrain{5'000};
// The kiosk may face the network: its connections come from a budget of their own, never the API's, and
// quiet ones are closed sooner. A browser opens up to 6 connections per host and network partition (its
// tabs, the sandboxed module pages), so one operator's browsers need a few dozen.
inline constexpr std::size_t kKioskMaxConnections = 256;
inline constexpr std::size_t kKioskMaxConnectionsPerPeer = 64;
inline constexpr std::chrono::milliseconds kKioskIdleTimeout{5'000};
// Keys one client (a Unix-socket uid, a TCP address) may register before it needs the admin token.
inline constexpr std::size_t kMaxKeysPerPeer = 64;
// After SIGINT/SIGTERM the process is gone within this, even if work is stuck (it then exits without
// waiting for it, the Unix socket removed).
inline constexpr std::chrono::milliseconds kShutdownDeadline{10'000};
// Keystore imports derive their keys on this many threads of their own, with at most this many waiting;
// one more is refused with 503 key_derivation_busy. One thread bounds the memory too (scrypt: up to 512 MiB).
inline constexpr unsigned kKeyDerivationThreads = 1;
inline constexpr std::size_t kKeyDerivationQueue = 4;
// Work that may wait on something outside the process (admin routes, key registrations that seal into the
// key store, module calls that may reach Web3Signer) runs on this many threads off the I/O threads, with
// at most this many jobs waiting; one more is refused with 503 server_busy.
inline constexpr unsigned kBlockingWorkThreads = 2;
inline constexpr std::size_t kBlockingWorkQueue = 64;
inline constexpr unsigned kIoThreads = 0;      // 0: one per core
inline constexpr unsigned kEngineWorkers = 0;  // 0: one per core
// After an answer on a plain keep-alive connection, its I/O thread watches it this long for the next
// request before going back to the event loop (transport/keepalive_spin.h); 0: never.
inline constexpr std::chrono::microseconds kKeepAliveSpin{100};
inline constexpr const char* kEngine = "v8";  // the WebAssembly engine modules run on (--engine)
// Calls one gRPC signer connection may have open at once (HTTP/2 streams); a client's further calls wait
// in the client until one ends.
inline constexpr unsigned kGrpcSignerMaxStreamsPerConnection = 64;

// The sane range of each number a user may set; a value outside it is a configuration error.
inline constexpr std::size_t kMaxBodyBytesCeiling = 64 << 20;     // 64 MiB
inline constexpr std::size_t kMinHeaderBytes = 1 << 10;           // room for a request line and Host
inline constexpr std::size_t kMaxHeaderBytesCeiling = 1 << 20;    // 1 MiB
inline constexpr std::size_t kMaxConnectionsCeiling = 65'536;
inline constexpr std::chrono::milliseconds kMaxRequestTimeout{600'000};  // 10 minutes
inline constexpr std::chrono::milliseconds kMaxIdleTimeout{3'600'000};   // 1 hour
inline constexpr unsigned kMaxIoThreads = 256;
inline constexpr std::chrono::microseconds kMaxKeepAliveSpin{10'000};
inline constexpr unsigned kMaxEngineWorkers = 256;
inline constexpr std::size_t kMaxListItems = 64;                  // URLs, peer uids, kiosk host names
inline constexpr std::size_t kMaxHostNameLength = 253;
inline constexpr std::size_t kMaxKeysPerPeerCeiling = 1024;       // the memory custody's own bound
inline constexpr std::size_t kMaxUdsPathLength = 107;             // sizeof(sockaddr_un::sun_path) - 1

// The admin token: long enough not to be guessed, small enough to be a token rather than a file.
inline constexpr std::size_t kMinAdminTokenLength = 16;
inline constexpr std::size_t kMaxAdminTokenLength = 1024;
inline constexpr unsigned kSecretFileForbiddenModeBits = 0077;    // no group or other access at all

inline constexpr std::size_t kWeb3SignerKeyMaterialBytes = 32;     // a BLS12-381 secret scalar
inline constexpr std::chrono::milliseconds kMaxWeb3SignerConnectTimeout{60'000};
inline constexpr std::chrono::milliseconds kMaxWeb3SignerRequestTimeout{600'000};
inline constexpr unsigned kMaxWeb3SignerAttempts = 10;
inline constexpr std::chrono::milliseconds kMaxWeb3SignerRetryBackoff{60'000};
inline constexpr std::chrono::milliseconds kMinWeb3SignerHealthInterval{100};
inline constexpr std::chrono::milliseconds kMaxWeb3SignerHealthInterval{3'600'000};

}  // namespace cryftee::defaults
