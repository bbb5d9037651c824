#pragma once
// BLS12-381 signatures through blst, in the "minimal public key size" variant AvalancheGo and Ethereum use.
//
// Key formats:
// - secret key: 32 bytes, big-endian integer sk with 0 < sk < r (r = the order of G1/G2). Anything else is
//   refused, never reduced: a key that was valid elsewhere must give the same public key here.
// - public key: 48 bytes, the compressed G1 point sk·G1 (ZCash serialization: top bits flag compression,
//   infinity and the sign of y).
// - signature: 96 bytes, the compressed G2 point sk·H(message), H = hash_to_curve with
//   expand_message_xmd(SHA-256) and SSWU, random-oracle variant, under one of two domain separation tags:
//     Dst::Signature          "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_" (ordinary messages)
//     Dst::ProofOfPossession  "BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_" (AvalancheGo's proof of
//                             possession and signed IPs)
// - proof of possession: sign(Dst::ProofOfPossession, the 48-byte compressed public key).
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include <blst.h>

#include "util/bytes.h"

namespace cryftee::bls {

inline constexpr std::size_t kSecretKeySize = 32;
inline constexpr std::size_t kPublicKeySize = 48;
inline constexpr std::size_t kSignatureSize = 96;
// blst_keygen needs at least 32 bytes of input key material.
inline constexpr std::size_t kKeygenIkmSize = 32;

inline constexpr std::string_view kSignatureDst = "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";
inline constexpr std::string_view kProofOfPossessionDst = "BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";

enum class Dst { Signature, ProofOfPossession };

using PublicKey = std::array<std::uint8_t, kPublicKeySize>;
using Signature = std::array<std::uint8_t, kSignatureSize>;

std::string_view dst_tag(Dst dst) noexcept;
// The client contract's names: "sig" and "pop".
std::optional<Dst> parse_dst_name(std::string_view name) noexcept;

// A secret scalar. Not copyable, so the secret exists once; zeroed when destroyed or moved from.
class SecretKey {
 public:
  // 32 big-endian bytes; throws cryftee::Error 400 invalid_bls_secret for a wrong size, zero, or >= r.
  static SecretKey from_bytes(ByteView secret);
  // blst_keygen (IETF KeyGen) over fresh random key material from OpenSSL's private DRBG.
  static SecretKey generate();
  // blst_keygen over caller-supplied key material (at least kKeygenIkmSize bytes, else 400).
  static SecretKey from_ikm(ByteView ikm);

  SecretKey(SecretKey&& other) noexcept;
  SecretKey& operator=(SecretKey&& other) noexcept;
  SecretKey(const SecretKey&) = delete;
  SecretKey& operator=(const SecretKey&) = delete;
  ~SecretKey();

  PublicKey public_key() const noexcept;
  Signature sign(ByteView message, Dst dst) const noexcept;
  Signature proof_of_possession() const noexcept;
  // The 32 big-endian bytes, for sealing the key into a keystore. A secret: the caller zeroes it.
  Bytes to_bytes() const;

 private:
  SecretKey() = default;
  blst_scalar scalar_{};
};

// True when the bytes are a compressed G1 point on the curve, in the subgroup and not the identity.
bool is_valid_public_key(ByteView public_key) noexcept;
// Throws cryftee::Error 400 invalid_bls_public_key naming the reason when is_valid_public_key is false.
void require_valid_public_key(ByteView public_key);
// False for any invalid key or signature encoding, a point outside its group, or a wrong signature.
bool verify(ByteView public_key, ByteView message, ByteView signature, Dst dst) noexcept;

}  // namespace cryftee::bls
