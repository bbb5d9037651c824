#include "crypto/node_id.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/provider.h>

#include <algorithm>
#include <cstring>

#include "crypto/sha256.h"
#include "util/error.h"

namespace cryftee {
namespace {

constexpr std::string_view kBase58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
constexpr int kBase58Invalid = -1;

constexpr std::array<int, 256> make_base58_index() {
  std::array<int, 256> index{};
  index.fill(kBase58Invalid);
  for (std::size_t i = 0; i < kBase58Alphabet.size(); ++i) {
    index[static_cast<unsigned char>(kBase58Alphabet[i])] = static_cast<int>(i);
  }
  return index;
}
constexpr std::array<int, 256> kBase58Index = make_base58_index();

std::array<std::uint8_t, kCb58ChecksumSize> cb58_checksum(ByteView bytes) {
  const Sha256Digest digest = sha256(bytes);
  std::array<std::uint8_t, kCb58ChecksumSize> checksum;
  std::copy(digest.end() - kCb58ChecksumSize, digest.end(), checksum.begin());
  return checksum;
}

// Fetched once. OpenSSL 3.0.0-3.0.6 moved RIPEMD-160 to the legacy provider; later releases have it in
// the default provider again. Loading "legacy" with fallbacks retained keeps the default provider active.
EVP_MD* fetch_ripemd160() {
  EVP_MD* md = EVP_MD_fetch(nullptr, "RIPEMD160", nullptr);
  if (md == nullptr && OSSL_PROVIDER_try_load(nullptr, "legacy", 1) != nullptr) {
    md = EVP_MD_fetch(nullptr, "RIPEMD160", nullptr);
  }
  ERR_clear_error();
  return md;
}

}  // namespace

std::string base58_encode(ByteView bytes) {
  const std::size_t leading_zeros =
      static_cast<std::size_t>(std::find_if(bytes.begin(), bytes.end(), [](auto b) { return b != 0; }) - bytes.begin());
  // Base-58 digits, least significant first; each input byte multiplies the number by 256 and adds itself.
  std::vector<std::uint8_t> digits;
  digits.reserve(bytes.size() * 138 / 100 + 1);  // log(256)/log(58) < 1.38
  for (std::size_t i = leading_zeros; i < bytes.size(); ++i) {
    unsigned carry = bytes[i];
    for (auto& digit : digits) {
      carry += static_cast<unsigned>(digit) << 8;
      digit = static_cast<std::uint8_t>(carry % 58);
      carry /= 58;
    }
    while (carry > 0) {
      digits.push_back(static_cast<std::uint8_t>(carry % 58));
      carry /= 58;
    }
  }
  std::string text(leading_zeros, kBase58Alphabet[0]);
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) text.push_back(kBase58Alphabet[*it]);
  return text;
}

std::optional<Bytes> base58_decode(std::string_view text) {
  const std::size_t leading_ones =
      static_cast<std::size_t>(std::find_if(text.begin(), text.end(), [](char c) { return c != '1'; }) - text.begin());
  // Base-256 digits, least significant first.
  Bytes value;
  for (std::size_t i = leading_ones; i < text.size(); ++i) {
    const int digit = kBase58Index[static_cast<unsigned char>(text[i])];
    if (digit == kBase58Invalid) return std::nullopt;
    unsigned carry = static_cast<unsigned>(digit);
    for (auto& byte : value) {
      carry += static_cast<unsigned>(byte) * 58;
      byte = static_cast<std::uint8_t>(carry & 0xff);
      carry >>= 8;
    }
    while (carry > 0) {
      value.push_back(static_cast<std::uint8_t>(carry & 0xff));
      carry >>= 8;
    }
  }
  Bytes out(leading_ones, 0);
  out.insert(out.end(), value.rbegin(), value.rend());
  return out;
}

std::string cb58_encode(ByteView bytes) {
  Bytes checked(bytes.begin(), bytes.end());
  const auto checksum = cb58_checksum(bytes);
  checked.insert(checked.end(), checksum.begin(), checksum.end());
  return base58_encode(checked);
}

std::optional<Bytes> cb58_decode(std::string_view text) {
  auto decoded = base58_decode(text);
  if (!decoded || decoded->size() < kCb58ChecksumSize) return std::nullopt;
  const std::size_t payload_size = decoded->size() - kCb58ChecksumSize;
  const auto expected = cb58_checksum(ByteView(decoded->data(), payload_size));
  if (!std::equal(expected.begin(), expected.end(), decoded->begin() + static_cast<std::ptrdiff_t>(payload_size))) {
    return std::nullopt;
  }
  decoded->resize(payload_size);
  return decoded;
}

Ripemd160Digest ripemd160(ByteView data) {
  static EVP_MD* const md = fetch_ripemd160();
  if (md == nullptr) {
    throw internal_error(
        "OpenSSL provides no RIPEMD-160 (needed for node IDs); install OpenSSL 3 with its legacy provider",
        "ripemd160_unavailable");
  }
  Ripemd160Digest digest{};
  if (EVP_Digest(data.data(), data.size(), digest.data(), nullptr, md, nullptr) != 1) {
    ERR_clear_error();
    throw internal_error("RIPEMD-160 failed", "ripemd160_unavailable");
  }
  return digest;
}

NodeId node_id_from_certificate(ByteView certificate_der) {
  const Sha256Digest inner = sha256(certificate_der);
  return ripemd160(inner);
}

std::string node_id_text(const NodeId& node_id) { return std::string(kNodeIdPrefix) + cb58_encode(node_id); }

std::optional<NodeId> parse_node_id(std::string_view text) {
  if (!text.starts_with(kNodeIdPrefix)) return std::nullopt;
  auto bytes = cb58_decode(text.substr(kNodeIdPrefix.size()));
  if (!bytes || bytes->size() != kNodeIdSize) return std::nullopt;
  NodeId node_id;
  std::copy(bytes->begin(), bytes->end(), node_id.begin());
  return node_id;
}

}  // namespace cryftee
