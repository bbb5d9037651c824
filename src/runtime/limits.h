#pragma once
// Every limit the module runtime enforces on host imports and workers, in one place. A module's own limits
// (memory, deadline, binary size) are its manifest entry's, bounded by the caps in manifest/limits.h
// (runtime/effective_limits.h).
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace cryftee::runtime_limits {

inline constexpr std::uint32_t kWasmPageBytes = 64 * 1024;
// A module response larger than this is refused as a module fault.
inline constexpr std::size_t kMaxResponseBytes = 4 << 20;
// One log line from a module is cut at this size.
inline constexpr std::size_t kMaxLogLineBytes = 4096;
// Most bytes one call of the random import may ask for.
inline constexpr std::size_t kMaxRandomBytes = 4096;
// Most bytes of a message a module may pass to a signing import.
inline constexpr std::size_t kMaxSignedMessageBytes = 1 << 20;
// Most bytes the sha256 import hashes in one call.
inline constexpr std::size_t kMaxHashInputBytes = 1 << 20;
// Failures (trap, deadline, memory) in a row after which a module is reported unhealthy.
inline constexpr unsigned kFailuresBeforeUnhealthy = 3;
// Egress through the http_request import: whole-exchange timeout and most bytes each way.
inline constexpr std::chrono::milliseconds kHttpTimeout{5'000};
inline constexpr std::size_t kMaxHttpBodyBytes = 1 << 20;
// JavaScript heap of each worker isolate; modules live in wasm memory, not in this heap.
inline constexpr std::size_t kIsolateHeapBytes = 64 << 20;

}  // namespace cryftee::runtime_limits
