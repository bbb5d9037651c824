#include "crypto/bls.h"

#include <openssl/rand.h>

#include <string>
#include <utility>

#include "util/error.h"

namespace cryftee::bls {
namespace {

const byte* tag_bytes(Dst dst) noexcept { return reinterpret_cast<const byte*>(dst_tag(dst).data()); }

Error invalid_secret(const std::string& why) {
  return bad_request("BLS secret key " + why + "; give 32 big-endian bytes of a key below the group order",
                     "invalid_bls_secret");
}

// Why a compressed G1 encoding is not a usable public key, or nullptr when it is one.
const char* public_key_problem(ByteView public_key, blst_p1_affine& point) noexcept {
  if (public_key.size() != kPublicKeySize) return "must be 48 bytes (a compressed G1 point)";
  switch (blst_p1_uncompress(&point, public_key.data())) {
    case BLST_SUCCESS: break;
    case BLST_POINT_NOT_ON_CURVE: return "is not a point on the curve";
    default: return "is not a valid compressed G1 encoding";
  }
  if (blst_p1_affine_is_inf(&point)) return "is the point at infinity";
  if (!blst_p1_affine_in_g1(&point)) return "is not in the G1 subgroup";
  return nullptr;
}

}  // namespace

std::string_view dst_tag(Dst dst) noexcept {
  return dst == Dst::ProofOfPossession ? kProofOfPossessionDst : kSignatureDst;
}

std::optional<Dst> parse_dst_name(std::string_view name) noexcept {
  if (name == "sig") return Dst::Signature;
  if (name == "pop") return Dst::ProofOfPossession;
  return std::nullopt;
}

SecretKey SecretKey::from_bytes(ByteView secret) {
  if (secret.size() != kSecretKeySize) {
    throw invalid_secret("has " + std::to_string(secret.size()) + " bytes");
  }
  SecretKey key;
  blst_scalar_from_bendian(&key.scalar_, secret.data());
  // blst_sk_check accepts exactly 0 < sk < r.
  if (!blst_sk_check(&key.scalar_)) throw invalid_secret("is zero or not below the group order r");
  return key;
}

SecretKey SecretKey::generate() {
  std::array<std::uint8_t, kKeygenIkmSize> ikm{};
  if (RAND_priv_bytes(ikm.data(), static_cast<int>(ikm.size())) != 1) {
    throw internal_error("the random number generator failed; retry, and check the system's entropy source",
                         "rng_failure");
  }
  SecretKey key = from_ikm(ikm);
  secure_zero(ikm.data(), ikm.size());
  return key;
}

SecretKey SecretKey::from_ikm(ByteView ikm) {
  if (ikm.size() < kKeygenIkmSize) {
    throw bad_request("BLS key generation needs at least 32 bytes of key material (got " +
                          std::to_string(ikm.size()) + ")",
                      "invalid_bls_ikm");
  }
  SecretKey key;
  blst_keygen(&key.scalar_, ikm.data(), ikm.size());
  return key;
}

SecretKey::SecretKey(SecretKey&& other) noexcept : scalar_(other.scalar_) {
  secure_zero(&other.scalar_, sizeof other.scalar_);
}

SecretKey& SecretKey::operator=(SecretKey&& other) noexcept {
  if (this != &other) {
    scalar_ = other.scalar_;
    secure_zero(&other.scalar_, sizeof other.scalar_);
  }
  return *this;
}

SecretKey::~SecretKey() { secure_zero(&scalar_, sizeof scalar_); }

PublicKey SecretKey::public_key() const noexcept {
  blst_p1 point;
  blst_sk_to_pk_in_g1(&point, &scalar_);
  PublicKey out;
  blst_p1_compress(out.data(), &point);
  return out;
}

Signature SecretKey::sign(ByteView message, Dst dst) const noexcept {
  blst_p2 message_point;
  blst_hash_to_g2(&message_point, message.data(), message.size(), tag_bytes(dst), dst_tag(dst).size());
  blst_p2 signature_point;
  blst_sign_pk_in_g1(&signature_point, &message_point, &scalar_);
  Signature out;
  blst_p2_compress(out.data(), &signature_point);
  return out;
}

Signature SecretKey::proof_of_possession() const noexcept {
  const PublicKey public_key_bytes = public_key();
  return sign(public_key_bytes, Dst::ProofOfPossession);
}

Bytes SecretKey::to_bytes() const {
  Bytes out(kSecretKeySize);
  blst_bendian_from_scalar(out.data(), &scalar_);
  return out;
}

bool is_valid_public_key(ByteView public_key) noexcept {
  blst_p1_affine point;
  return public_key_problem(public_key, point) == nullptr;
}

void require_valid_public_key(ByteView public_key) {
  blst_p1_affine point;
  if (const char* problem = public_key_problem(public_key, point)) {
    throw bad_request(std::string("BLS public key ") + problem, "invalid_bls_public_key");
  }
}

bool verify(ByteView public_key, ByteView message, ByteView signature, Dst dst) noexcept {
  blst_p1_affine key_point;
  if (public_key_problem(public_key, key_point) != nullptr) return false;
  if (signature.size() != kSignatureSize) return false;
  blst_p2_affine signature_point;
  if (blst_p2_uncompress(&signature_point, signature.data()) != BLST_SUCCESS) return false;
  // Checks the signature's subgroup membership itself before the pairing.
  return blst_core_verify_pk_in_g1(&key_point, &signature_point, true, message.data(), message.size(),
                                   tag_bytes(dst), dst_tag(dst).size()) == BLST_SUCCESS;
}

}  // namespace cryftee::bls
