#pragma once
// Avalanche node IDs and the CB58 text encoding they use.
//
// Formats:
// - base58: the Bitcoin alphabet "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"; each leading
//   zero byte is written as one '1'.
// - CB58 (checked base58): base58(bytes || last 4 bytes of SHA-256(bytes)).
// - node ID: 20 bytes, RIPEMD-160(SHA-256(DER of the node's TLS staking certificate)); as text
//   "NodeID-" + CB58(those 20 bytes), e.g. "NodeID-7Xhw2mDxuDS44j42TCB6U5579esbSt3Lg".
#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "util/bytes.h"

namespace cryftee {

inline constexpr std::size_t kNodeIdSize = 20;
inline constexpr std::size_t kCb58ChecksumSize = 4;
inline constexpr std::string_view kNodeIdPrefix = "NodeID-";

using NodeId = std::array<std::uint8_t, kNodeIdSize>;
using Ripemd160Digest = std::array<std::uint8_t, 20>;

std::string base58_encode(ByteView bytes);
// nullopt for characters outside the alphabet.
std::optional<Bytes> base58_decode(std::string_view text);

std::string cb58_encode(ByteView bytes);
// nullopt for bad characters, text too short to hold a checksum, or a checksum that does not match.
std::optional<Bytes> cb58_decode(std::string_view text);

// OpenSSL's RIPEMD-160 (from the default provider, or the legacy one where the default lacks it). Throws
// cryftee::Error 500 when neither provides it.
Ripemd160Digest ripemd160(ByteView data);

NodeId node_id_from_certificate(ByteView certificate_der);
std::string node_id_text(const NodeId& node_id);
// Parses "NodeID-<cb58 of 20 bytes>"; nullopt for anything else.
std::optional<NodeId> parse_node_id(std::string_view text);

}  // namespace cryftee
