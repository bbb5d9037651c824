#pragma once
// The 32-byte messages the benchmark signs: distinct for every (stream, counter), so no layer can answer
// from a cache.
#include <array>
#include <cstdint>
#include <cstring>

#include "bench_limits.h"

namespace cryftee::bench {

using Message = std::array<std::uint8_t, kMessageSize>;

inline Message make_message(std::uint64_t stream, std::uint64_t counter) {
  // splitmix64 over (stream, counter): cheap, and every output word differs.
  std::uint64_t state = stream * 0x9E3779B97F4A7C15ULL ^ counter;
  Message message{};
  for (std::size_t offset = 0; offset < message.size(); offset += sizeof(std::uint64_t)) {
    state += 0x9E3779B97F4A7C15ULL;
    std::uint64_t word = state;
    word = (word ^ (word >> 30)) * 0xBF58476D1CE4E5B9ULL;
    word = (word ^ (word >> 27)) * 0x94D049BB133111EBULL;
    word ^= word >> 31;
    std::memcpy(message.data() + offset, &word, sizeof(word));
  }
  return message;
}

}  // namespace cryftee::bench
