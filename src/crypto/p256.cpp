#include "crypto/p256.h"

#include <openssl/core_names.h>
#include <openssl/obj_mac.h>
#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <string>

#include "crypto/openssl_handles.h"
#include "util/error.h"

namespace cryftee::p256 {
namespace {

constexpr const char* kGroupName = "prime256v1";  // OpenSSL's name for P-256
constexpr std::size_t kCompressedPointSize = 33;
constexpr std::size_t kScalarSize = 32;
constexpr std::size_t kMaxGroupNameSize = 64;

const EC_GROUP* p256_group() noexcept {
  // Shared read-only by every thread, never freed: OpenSSL allows concurrent use of an unmodified group.
  static const EC_GROUP* group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
  return group;
}

bool is_p256_key(EVP_PKEY* key) noexcept {
  if (!EVP_PKEY_is_a(key, "EC")) return false;
  char name[kMaxGroupNameSize];
  std::size_t name_size = 0;
  if (EVP_PKEY_get_group_name(key, name, sizeof name, &name_size) != 1) return false;
  return std::string_view(name, name_size) == kGroupName;
}

std::optional<PublicKey> point_to_uncompressed(ByteView point_bytes) noexcept {
  if (point_bytes.size() != kPublicKeySize && point_bytes.size() != kCompressedPointSize) return std::nullopt;
  const EC_GROUP* group = p256_group();
  openssl::EcPoint point(EC_POINT_new(group));
  // oct2point rejects encodings of points that are not on the curve, and the identity has no such encoding.
  if (!point || EC_POINT_oct2point(group, point.get(), point_bytes.data(), point_bytes.size(), nullptr) != 1) {
    openssl::clear_errors();
    return std::nullopt;
  }
  PublicKey out;
  if (EC_POINT_point2oct(group, point.get(), POINT_CONVERSION_UNCOMPRESSED, out.data(), out.size(), nullptr) !=
      out.size()) {
    openssl::clear_errors();
    return std::nullopt;
  }
  return out;
}

std::optional<PublicKey> public_key_of(EVP_PKEY* key) noexcept {
  std::array<std::uint8_t, kPublicKeySize> encoded{};
  std::size_t encoded_size = 0;
  if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, encoded.data(), encoded.size(),
                                      &encoded_size) != 1) {
    openssl::clear_errors();
    return std::nullopt;
  }
  return point_to_uncompressed(ByteView(encoded.data(), encoded_size));
}

PkeyPtr public_key_object(const PublicKey& point) noexcept {
  openssl::PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1) return nullptr;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>(kGroupName), 0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, const_cast<std::uint8_t*>(point.data()),
                                        point.size()),
      OSSL_PARAM_construct_end()};
  EVP_PKEY* key = nullptr;
  if (EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params) != 1) {
    openssl::clear_errors();
    return nullptr;
  }
  return PkeyPtr(key);
}

// Refuses encrypted PEM instead of prompting on a terminal for a passphrase.
int refuse_passphrase(char*, int, int, void*) { return -1; }

}  // namespace

PrivateKey::PrivateKey(PkeyPtr key) : key_(std::move(key)) {
  auto point = public_key_of(key_.get());
  if (!point) throw internal_error("could not read the public half of a P-256 key", "tls_key_failure");
  public_key_ = *point;
}

PrivateKey PrivateKey::generate() {
  PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) {
    openssl::clear_errors();
    throw internal_error("P-256 key generation failed; retry, and check OpenSSL's random source",
                         "tls_key_failure");
  }
  return PrivateKey(std::move(key));
}

PrivateKey PrivateKey::from_pem(std::string_view pem) {
  auto bio = openssl::memory_bio(pem.data(), pem.size());
  PkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, refuse_passphrase, nullptr) : nullptr);
  if (!key) {
    openssl::clear_errors();
    throw bad_request(
        "the TLS private key is not an unencrypted PEM private key; give the PKCS#8 PEM "
        "(\"BEGIN PRIVATE KEY\") of a P-256 key",
        "invalid_tls_key");
  }
  if (!is_p256_key(key.get())) {
    throw unprocessable("the TLS private key is not an ECDSA P-256 key; staking TLS keys must use P-256",
                        "unsupported_tls_key");
  }
  return PrivateKey(std::move(key));
}

PrivateKey PrivateKey::from_scalar(ByteView scalar) {
  // SEC1 ECPrivateKey { version 1, privateKey, [0] prime256v1 } without the optional public key, which
  // OpenSSL derives from the scalar while decoding.
  static constexpr std::uint8_t kPrefix[] = {0x30, 0x31, 0x02, 0x01, 0x01, 0x04, 0x20};
  static constexpr std::uint8_t kCurve[] = {0xa0, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
  // The group order n of P-256, big-endian: a private scalar is 0 < d < n.
  static constexpr std::uint8_t kOrder[] = {
      0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
      0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51};
  if (scalar.size() != kScalarSize) {
    throw bad_request("a P-256 private scalar has 32 bytes, got " + std::to_string(scalar.size()), "invalid_tls_key");
  }
  const bool zero = std::all_of(scalar.begin(), scalar.end(), [](std::uint8_t b) { return b == 0; });
  if (zero || !std::lexicographical_compare(scalar.begin(), scalar.end(), std::begin(kOrder), std::end(kOrder))) {
    throw bad_request("the bytes are not a P-256 private scalar (it must be above 0 and below the group order)",
                      "invalid_tls_key");
  }
  Bytes der(std::begin(kPrefix), std::end(kPrefix));
  der.insert(der.end(), scalar.begin(), scalar.end());
  der.insert(der.end(), std::begin(kCurve), std::end(kCurve));
  const unsigned char* cursor = der.data();
  PkeyPtr key(d2i_PrivateKey(EVP_PKEY_EC, nullptr, &cursor, static_cast<long>(der.size())));
  secure_zero(der);
  if (!key || !is_p256_key(key.get())) {
    openssl::clear_errors();
    throw bad_request("the bytes are not a P-256 private scalar", "invalid_tls_key");
  }
  return PrivateKey(std::move(key));
}

Bytes PrivateKey::to_scalar() const {
  BIGNUM* number = nullptr;
  if (EVP_PKEY_get_bn_param(key_.get(), OSSL_PKEY_PARAM_PRIV_KEY, &number) != 1) {
    openssl::clear_errors();
    throw internal_error("could not read the TLS private scalar", "tls_key_export_failure");
  }
  Bytes scalar(kScalarSize);
  const int written = BN_bn2binpad(number, scalar.data(), static_cast<int>(scalar.size()));
  BN_clear_free(number);
  if (written != static_cast<int>(kScalarSize)) {
    secure_zero(scalar);
    throw internal_error("could not read the TLS private scalar", "tls_key_export_failure");
  }
  return scalar;
}

std::string PrivateKey::to_pkcs8_pem() const {
  openssl::Bio bio(BIO_new(BIO_s_secmem()));
  if (!bio || PEM_write_bio_PKCS8PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    openssl::clear_errors();
    throw internal_error("could not encode the TLS private key as PKCS#8", "tls_key_export_failure");
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  std::string pem(data, static_cast<std::size_t>(size));
  // The secure-memory BIO clears its buffer when freed; the copy is the caller's to zero.
  return pem;
}

Bytes PrivateKey::sign_digest(ByteView digest) const {
  if (digest.size() != kDigestSize) {
    throw bad_request("the digest to sign must be 32 bytes (a SHA-256 hash), got " + std::to_string(digest.size()),
                      "invalid_digest");
  }
  // A context per call: contexts are not shareable between threads, the key is.
  openssl::PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key_.get(), nullptr));
  Bytes signature(kMaxSignatureSize);
  std::size_t signature_size = signature.size();
  if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 ||
      EVP_PKEY_sign(ctx.get(), signature.data(), &signature_size, digest.data(), digest.size()) != 1) {
    openssl::clear_errors();
    throw internal_error("ECDSA P-256 signing failed", "tls_sign_failure");
  }
  signature.resize(signature_size);
  return signature;
}

std::optional<PublicKey> normalize_public_key(ByteView encoded) noexcept {
  if (encoded.size() == kPublicKeySize || encoded.size() == kCompressedPointSize) {
    return point_to_uncompressed(encoded);
  }
  const unsigned char* cursor = encoded.data();
  PkeyPtr key(d2i_PUBKEY(nullptr, &cursor, static_cast<long>(encoded.size())));
  if (!key || cursor != encoded.data() + encoded.size() || !is_p256_key(key.get())) {
    openssl::clear_errors();
    return std::nullopt;
  }
  return public_key_of(key.get());
}

bool verify_digest(ByteView public_key, ByteView digest, ByteView der_signature) noexcept {
  if (digest.size() != kDigestSize) return false;
  auto point = normalize_public_key(public_key);
  if (!point) return false;
  PkeyPtr key = public_key_object(*point);
  if (!key) return false;
  openssl::PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  const bool valid = ctx && EVP_PKEY_verify_init(ctx.get()) == 1 &&
                     EVP_PKEY_verify(ctx.get(), der_signature.data(), der_signature.size(), digest.data(),
                                     digest.size()) == 1;
  openssl::clear_errors();
  return valid;
}

}  // namespace cryftee::p256
