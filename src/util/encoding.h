#pragma once
// Strict text encodings of bytes. Decoders return nullopt on any malformed input rather than guessing.
#include <optional>
#include <string>
#include <string_view>

#include "util/bytes.h"

namespace cryftee {

std::string base64_encode(ByteView bytes);
// Standard alphabet with padding (RFC 4648 section 4) only: unpadded and URL-safe text is refused, so
// one value has one spelling.
std::optional<Bytes> base64_decode(std::string_view text);

std::string hex_encode(ByteView bytes);
// Accepts upper or lower case, with or without a leading "0x".
std::optional<Bytes> hex_decode(std::string_view text);

// Reads bytes given either as base64 or as hex (with or without 0x), as the client contract allows for
// public keys. Hex wins when the text is valid hex of the expected length.
std::optional<Bytes> decode_hex_or_base64(std::string_view text, std::size_t expected_size);

}  // namespace cryftee
