#pragma once
// Every limit and default of the trust layer in one place: manifest and module.json parsing, module
// limits, the trust file. docs/trust-and-publishing.md quotes these.
#include <cstddef>
#include <cstdint>

namespace cryftee::manifest_limits {

// Files the loader reads whole.
inline constexpr std::size_t kMaxManifestBytes = 1 << 20;  // 1 MiB
inline constexpr std::size_t kMaxModuleJsonBytes = 64 << 10;
inline constexpr std::size_t kMaxTrustFileBytes = 256 << 10;
inline constexpr std::size_t kMaxJsonDepth = 32;  // manifest.json and module.json nesting

// Manifest entries.
inline constexpr std::size_t kMaxModules = 256;
inline constexpr std::size_t kMaxIdLength = 64;
inline constexpr std::size_t kMaxPathLength = 255;
inline constexpr std::size_t kMaxListLength = 64;  // capabilities, imports
inline constexpr std::size_t kMaxGuiFiles = 256;

// Module limits: the defaults when an entry's "limits" leaves one out, and the most an entry may ask.
// These maxima are the runtime's caps too (runtime/effective_limits.h applies them; /v1/schema/modules
// advertises them), so an entry asking for more is refused when the manifest is read, never clamped.
inline constexpr std::uint32_t kDefaultMemoryPages = 256;  // 64 KiB pages: 16 MiB
inline constexpr std::uint32_t kMaxMemoryPages = 4096;     // 256 MiB
inline constexpr std::uint32_t kDefaultDeadlineMs = 2000;  // per call
inline constexpr std::uint32_t kMaxDeadlineMs = 30'000;
inline constexpr std::uint64_t kDefaultMaxBinaryBytes = 8 << 20;
inline constexpr std::uint64_t kMaxBinaryBytes = 64 << 20;

// Files listed in an entry's "gui" that the kiosk may serve.
inline constexpr std::uint64_t kMaxGuiFileBytes = 4 << 20;

}  // namespace cryftee::manifest_limits
