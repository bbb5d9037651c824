#include "crypto/p256.h"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/pem.h>

#include "crypto/sha256.h"
#include "key_test_support.h"

namespace cryftee::p256 {
namespace {

// PEM of a key made by OpenSSL itself, in the requested encoding ("PKCS8" or "type-specific" for SEC1).
std::string openssl_key_pem(const char* algorithm, const char* parameter, bool pkcs8 = true,
                            const EVP_CIPHER* cipher = nullptr) {
  PkeyPtr key(parameter ? EVP_PKEY_Q_keygen(nullptr, nullptr, algorithm, parameter)
                        : EVP_PKEY_Q_keygen(nullptr, nullptr, algorithm, static_cast<size_t>(2048)));
  if (!key) throw std::runtime_error("test key generation failed");
  BIO* bio = BIO_new(BIO_s_mem());
  static char passphrase[] = "test passphrase";
  const int ok = pkcs8 ? PEM_write_bio_PKCS8PrivateKey(bio, key.get(), cipher, cipher ? passphrase : nullptr,
                                                       cipher ? static_cast<int>(sizeof passphrase - 1) : 0, nullptr,
                                                       nullptr)
                       : PEM_write_bio_PrivateKey_traditional(bio, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(size));
  BIO_free(bio);
  if (ok != 1) throw std::runtime_error("test key PEM encoding failed");
  return pem;
}

Bytes compressed(const PublicKey& point) {
  Bytes out(point.begin(), point.begin() + 33);
  out[0] = (point[64] & 1) ? 0x03 : 0x02;
  return out;
}

Bytes spki_der(const PrivateKey& key) {
  const int size = i2d_PUBKEY(key.native(), nullptr);
  Bytes der(static_cast<std::size_t>(size));
  unsigned char* cursor = der.data();
  i2d_PUBKEY(key.native(), &cursor);
  return der;
}

TEST(P256, SignsDigestsThatVerify) {
  const auto key = PrivateKey::generate();
  EXPECT_EQ(key.public_key()[0], 0x04);
  const Sha256Digest digest = sha256(as_bytes("avalanche signed ip"));
  const Bytes signature = key.sign_digest(digest);
  EXPECT_LE(signature.size(), kMaxSignatureSize);
  EXPECT_TRUE(verify_digest(key.public_key(), digest, signature));

  // The signature is strict DER: SEQUENCE { INTEGER r, INTEGER s }.
  const unsigned char* cursor = signature.data();
  ECDSA_SIG* parsed = d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(signature.size()));
  ASSERT_NE(parsed, nullptr);
  EXPECT_EQ(cursor, signature.data() + signature.size());
  ECDSA_SIG_free(parsed);
}

TEST(P256, SignaturesVerifyInOpenSslsOwnHashAndVerify) {
  const auto key = PrivateKey::generate();
  const std::string message = "the caller hashes with SHA-256, this layer signs the digest";
  const Bytes signature = key.sign_digest(sha256(as_bytes(message)));
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ASSERT_EQ(EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key.native()), 1);
  EXPECT_EQ(EVP_DigestVerify(ctx, signature.data(), signature.size(),
                             reinterpret_cast<const unsigned char*>(message.data()), message.size()),
            1);
  EVP_MD_CTX_free(ctx);
}

TEST(P256, VerificationFailsForAWrongDigestKeyOrSignature) {
  const auto key = PrivateKey::generate();
  const auto other_key = PrivateKey::generate();
  const Sha256Digest digest = sha256(as_bytes("message"));
  const Bytes signature = key.sign_digest(digest);

  EXPECT_FALSE(verify_digest(key.public_key(), sha256(as_bytes("massage")), signature));
  EXPECT_FALSE(verify_digest(other_key.public_key(), digest, signature));
  Bytes tampered = signature;
  tampered[tampered.size() - 1] ^= 0x01;
  EXPECT_FALSE(verify_digest(key.public_key(), digest, tampered));
  Bytes trailing = signature;
  trailing.push_back(0);
  EXPECT_FALSE(verify_digest(key.public_key(), digest, trailing));
  EXPECT_FALSE(verify_digest(key.public_key(), ByteView(digest.data(), 31), signature));
  EXPECT_FALSE(verify_digest(Bytes(65, 4), digest, signature));
}

TEST(P256, RefusesDigestsOfTheWrongSize) {
  const auto key = PrivateKey::generate();
  EXPECT_CRYFTEE_ERROR(key.sign_digest(Bytes(31, 1)), 400, "invalid_digest");
  EXPECT_CRYFTEE_ERROR(key.sign_digest(Bytes(33, 1)), 400, "invalid_digest");
  EXPECT_CRYFTEE_ERROR(key.sign_digest(Bytes{}), 400, "invalid_digest");
}

TEST(P256, ImportsPkcs8AndSec1PemKeys) {
  for (bool pkcs8 : {true, false}) {
    const std::string pem = openssl_key_pem("EC", "P-256", pkcs8);
    EXPECT_NE(pem.find(pkcs8 ? "BEGIN PRIVATE KEY" : "BEGIN EC PRIVATE KEY"), std::string::npos);
    const auto key = PrivateKey::from_pem(pem);
    const Sha256Digest digest = sha256(as_bytes("imported"));
    EXPECT_TRUE(verify_digest(key.public_key(), digest, key.sign_digest(digest)));
    // Importing the same PEM again gives the same key.
    EXPECT_EQ(PrivateKey::from_pem(pem).public_key(), key.public_key());
  }
}

TEST(P256, RefusesKeysThatAreNotUnencryptedP256) {
  EXPECT_CRYFTEE_ERROR(PrivateKey::from_pem(openssl_key_pem("EC", "secp256k1")), 422, "unsupported_tls_key");
  EXPECT_CRYFTEE_ERROR(PrivateKey::from_pem(openssl_key_pem("EC", "P-384")), 422, "unsupported_tls_key");
  EXPECT_CRYFTEE_ERROR(PrivateKey::from_pem(openssl_key_pem("RSA", nullptr)), 422, "unsupported_tls_key");
  EXPECT_CRYFTEE_ERROR(PrivateKey::from_pem(openssl_key_pem("EC", "P-256", true, EVP_aes_128_cbc())), 400,
                       "invalid_tls_key");
  EXPECT_CRYFTEE_ERROR(PrivateKey::from_pem("not a key"), 400, "invalid_tls_key");
  EXPECT_CRYFTEE_ERROR(PrivateKey::from_pem(""), 400, "invalid_tls_key");
}

TEST(P256, NormalizesEveryPublicKeyEncodingToTheUncompressedPoint) {
  const auto key = PrivateKey::generate();
  EXPECT_EQ(normalize_public_key(key.public_key()), key.public_key());
  EXPECT_EQ(normalize_public_key(compressed(key.public_key())), key.public_key());
  EXPECT_EQ(normalize_public_key(spki_der(key)), key.public_key());

  PublicKey off_curve = key.public_key();
  off_curve[64] ^= 0x01;
  EXPECT_FALSE(normalize_public_key(off_curve));
  EXPECT_FALSE(normalize_public_key(Bytes(64, 4)));
  EXPECT_FALSE(normalize_public_key(Bytes{}));
  Bytes spki_with_trailing = spki_der(key);
  spki_with_trailing.push_back(0);
  EXPECT_FALSE(normalize_public_key(spki_with_trailing));
}

TEST(P256, RejectsASubjectPublicKeyInfoOfAnotherCurve) {
  PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "secp256k1"));
  const int size = i2d_PUBKEY(key.get(), nullptr);
  Bytes der(static_cast<std::size_t>(size));
  unsigned char* cursor = der.data();
  i2d_PUBKEY(key.get(), &cursor);
  EXPECT_FALSE(normalize_public_key(der));
}

TEST(P256, TheScalarExportRebuildsTheSameKey) {
  const PrivateKey key = PrivateKey::generate();
  Bytes scalar = key.to_scalar();
  ASSERT_EQ(scalar.size(), 32u);
  const PrivateKey again = PrivateKey::from_scalar(scalar);
  EXPECT_EQ(again.public_key(), key.public_key());
  const Bytes digest(32, 7);
  EXPECT_TRUE(verify_digest(key.public_key(), digest, again.sign_digest(digest)));
  EXPECT_EQ(PrivateKey::from_pem(key.to_pkcs8_pem()).public_key(), key.public_key());
  EXPECT_CRYFTEE_ERROR(PrivateKey::from_scalar(Bytes(31, 1)), 400, "invalid_tls_key");
  EXPECT_CRYFTEE_ERROR(PrivateKey::from_scalar(Bytes(32, 0)), 400, "invalid_tls_key");
  EXPECT_CRYFTEE_ERROR(PrivateKey::from_scalar(Bytes(32, 0xff)), 400, "invalid_tls_key");
}

}  // namespace
}  // namespace cryftee::p256
