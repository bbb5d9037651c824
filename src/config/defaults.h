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
inline constexpr const char* kLogLevel = "info";
inline constexpr const char* kLogFormat = "text";

// Web3Signer client (custody/web3signer_client.h) and its health checker.
inline constexpr std::chrono::milliseconds kWeb3SignerConnectTimeout{2'000};
inline constexpr std::chrono::milliseconds kWeb3SignerRequestTimeout{5'000};
inline constexpr unsigned kWeb3SignerMaxAttempts = 3;
inline constexpr std::chrono::milliseconds kWeb3SignerRetryBackoff{100};
inline constexpr std::chrono::milliseconds kWeb3SignerHealthInterval{5'000};
inline constexpr std::size_t kWeb3SignerMaxResponseBytes = 4 << 20;  // 4 MiB
inline constexpr std::size_t kWeb3SignerIdleHandles = 8;  // pooled keep-alive connections kept when idle

inline constexpr unsigned kUdsSocketMode = 0660;
inline constexpr std::size_t kMaxBodyBytes = 1 << 20;        // 1 MiB
inline constexpr std::size_t kMaxHeaderBytes = 16 << 10;     // 16 KiB
inline constexpr std::size_t kMaxConnections = 1024;
inline constexpr std::chrono::milliseconds kRequestTimeout{10'000};
inline constexpr std::chrono::milliseconds kIdleTimeout{60'000};
inline constexpr std::chrono::milliseconds kShutdownDrain{5'000};

}  // namespace cryftee::defaults
