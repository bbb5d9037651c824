#pragma once
// ECDSA over NIST P-256 (prime256v1, secp256r1) through OpenSSL 3's EVP interface: the key type of the
// node's TLS staking identity.
//
// Key formats:
// - private key in: PEM, either PKCS#8 ("-----BEGIN PRIVATE KEY-----", what AvalancheGo writes to
//   staker.key) or SEC1 ("-----BEGIN EC PRIVATE KEY-----"); unencrypted; the curve must be P-256.
//   Private keys live in an OpenSSL key object, which clears the scalar when freed; the only exports are
//   for the key store: to_scalar() (the 32-byte big-endian private scalar, small enough for a TPM seal)
//   and to_pkcs8_pem().
// - public key: 65 bytes, the uncompressed SEC1 point 0x04 || X || Y. normalize_public_key also reads
//   the 33-byte compressed point and a DER SubjectPublicKeyInfo.
// - digest: exactly 32 bytes (a SHA-256 output); the caller hashes, this layer signs the digest as given.
// - signature: ASN.1 DER ECDSA-Sig-Value SEQUENCE { r INTEGER, s INTEGER }, at most 72 bytes, with a fresh
//   random nonce each time.
#include <openssl/evp.h>

#include <array>
#include <memory>
#include <optional>
#include <string_view>

#include "util/bytes.h"

namespace cryftee::p256 {

inline constexpr std::size_t kDigestSize = 32;
inline constexpr std::size_t kPublicKeySize = 65;
inline constexpr std::size_t kMaxSignatureSize = 72;

using PublicKey = std::array<std::uint8_t, kPublicKeySize>;

struct PkeyFree {
  void operator()(EVP_PKEY* key) const noexcept { EVP_PKEY_free(key); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

class PrivateKey {
 public:
  static PrivateKey generate();
  // Throws cryftee::Error 400 invalid_tls_key for text that is not an unencrypted PEM private key, and
  // 422 unsupported_tls_key for a key of another type or curve.
  static PrivateKey from_pem(std::string_view pem);

  const PublicKey& public_key() const noexcept { return public_key_; }
  // Throws cryftee::Error 400 invalid_digest unless the digest has 32 bytes.
  Bytes sign_digest(ByteView digest) const;
  // The 32-byte big-endian private scalar; throws 400 invalid_tls_key for a wrong size or a value that is
  // not a P-256 private key.
  static PrivateKey from_scalar(ByteView scalar);

  // The 32-byte big-endian private scalar. A secret: the caller zeroes it.
  Bytes to_scalar() const;
  // The unencrypted PKCS#8 PEM. A secret: the caller zeroes it.
  std::string to_pkcs8_pem() const;

  // For building certificates; the key stays owned here.
  EVP_PKEY* native() const noexcept { return key_.get(); }

 private:
  explicit PrivateKey(PkeyPtr key);
  PkeyPtr key_;
  PublicKey public_key_{};  // cached: read on every lookup, derived once
};

// The uncompressed point of a public key given in any of the formats above; nullopt for anything that is
// not a valid P-256 point.
std::optional<PublicKey> normalize_public_key(ByteView encoded) noexcept;
// False for a malformed key, digest or signature, or a signature that does not match; never throws.
bool verify_digest(ByteView public_key, ByteView digest, ByteView der_signature) noexcept;

}  // namespace cryftee::p256
