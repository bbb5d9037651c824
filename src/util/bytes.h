#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cryftee {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

inline ByteView as_bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}
inline std::string as_string(ByteView bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// Overwrites memory that held a secret in a way the optimiser may not remove.
void secure_zero(void* data, std::size_t size) noexcept;
inline void secure_zero(Bytes& bytes) noexcept { secure_zero(bytes.data(), bytes.size()); }
inline void secure_zero(std::string& text) noexcept { secure_zero(text.data(), text.size()); }

}  // namespace cryftee
