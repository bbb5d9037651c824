#include "custody/memory_custody.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>

#include <atomic>
#include <thread>

#include "crypto/node_id.h"
#include "crypto/sha256.h"
#include "crypto/tls_identity.h"
#include "key_test_support.h"

namespace cryftee {
namespace {

using cryftee::testing::hex;
using cryftee::testing::load_vectors;

Bytes to_bytes(ByteView view) { return Bytes(view.begin(), view.end()); }

// The PKCS#8 PEM of a fresh P-256 key made by OpenSSL, standing in for an operator's staker.key.
std::string p256_pkcs8_pem() {
  p256::PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PKCS8PrivateKey(bio, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(size));
  BIO_free(bio);
  return pem;
}

// The certificate's own public key, as OpenSSL reads it from the DER.
Bytes certificate_public_key(const Bytes& der) {
  const unsigned char* cursor = der.data();
  X509* cert = d2i_X509(nullptr, &cursor, static_cast<long>(der.size()));
  EVP_PKEY* key = X509_get0_pubkey(cert);
  const int size = i2d_PUBKEY(key, nullptr);
  Bytes spki(static_cast<std::size_t>(size));
  unsigned char* out = spki.data();
  i2d_PUBKEY(key, &out);
  X509_free(cert);
  return spki;
}

TEST(MemoryCustody, SignsEveryMinPkVectorThroughAHandle) {
  MemoryCustody custody;
  const auto vectors = load_vectors("bls-min-pk.json");
  ASSERT_FALSE(vectors["cases"].empty());
  for (const auto& vector : vectors["cases"]) {
    Bytes secret = hex(vector["secretKey"]);
    const BlsKeyInfo info = custody.bls_import(secret);
    secure_zero(secret);
    EXPECT_EQ(to_bytes(info.public_key), hex(vector["publicKey"]));
    const auto dst = *bls::parse_dst_name(vector["dst"].get<std::string>());
    const bls::Signature signature = custody.bls_sign(info.handle, hex(vector["message"]), dst);
    EXPECT_EQ(to_bytes(signature), hex(vector["signature"]));
  }
}

TEST(MemoryCustody, ImportedAvalancheSignersGiveTheirProofsOfPossession) {
  MemoryCustody custody;
  const auto vectors = load_vectors("avalanche-local.json");
  for (const auto& signer : vectors["signers"]) {
    const BlsKeyInfo info = custody.bls_import(*base64_decode(signer["secretKeyBase64"].get<std::string>()));
    EXPECT_EQ(to_bytes(info.public_key), hex(signer["publicKey"]));
    EXPECT_EQ(to_bytes(info.proof_of_possession), hex(signer["proofOfPossession"]));
    const auto found = custody.bls_find(hex(signer["publicKey"]));
    ASSERT_TRUE(found);
    EXPECT_EQ(found->handle, info.handle);
  }
  EXPECT_EQ(custody.bls_keys().size(), 3u);
}

TEST(MemoryCustody, HandlesComeFromThePublicKeyAndRevealNoSecret) {
  MemoryCustody custody;
  const Bytes secret = hex("4176616c616e6368654c6f63616c4e6574776f726b56616c696461746f723031");
  const BlsKeyInfo info = custody.bls_import(secret);
  EXPECT_EQ(info.handle.rfind("bls-", 0), 0u);
  EXPECT_EQ(info.handle.size(), 4u + 2 * kHandleDigestBytes);
  const Sha256Digest digest = sha256(info.public_key);
  EXPECT_EQ(info.handle.substr(4), hex_encode(ByteView(digest.data(), kHandleDigestBytes)));
  EXPECT_EQ(info.handle.find(hex_encode(secret).substr(0, 8)), std::string::npos);

  // The same key imported again is the key already held.
  EXPECT_EQ(custody.bls_import(secret).handle, info.handle);
  EXPECT_EQ(custody.bls_keys().size(), 1u);
}

TEST(MemoryCustody, GeneratedBlsKeysAreDistinctAndSignForThemselves) {
  MemoryCustody custody;
  const BlsKeyInfo first = custody.bls_generate();
  const BlsKeyInfo second = custody.bls_generate();
  EXPECT_NE(first.handle, second.handle);
  EXPECT_TRUE(bls::verify(first.public_key, first.public_key, first.proof_of_possession, bls::Dst::ProofOfPossession));
  const Bytes message = to_bytes(as_bytes("block"));
  for (auto dst : {bls::Dst::Signature, bls::Dst::ProofOfPossession}) {
    EXPECT_TRUE(bls::verify(first.public_key, message, custody.bls_sign(first.handle, message, dst), dst));
  }
  EXPECT_FALSE(bls::verify(second.public_key, message, custody.bls_sign(first.handle, message, bls::Dst::Signature),
                           bls::Dst::Signature));
  EXPECT_EQ(custody.bls_key(second.handle).public_key, second.public_key);
}

TEST(MemoryCustody, UnknownKeysAndBadInputGiveErrorsAndChangeNothing) {
  MemoryCustody custody;
  const BlsKeyInfo bls_key = custody.bls_generate();
  const TlsKeyInfo tls_key = custody.tls_generate();
  const Sha256Digest digest = sha256(as_bytes("x"));

  EXPECT_CRYFTEE_ERROR(custody.bls_sign("bls-0000", as_bytes("m"), bls::Dst::Signature), 404, "key_not_found");
  EXPECT_CRYFTEE_ERROR(custody.bls_key(""), 404, "key_not_found");
  EXPECT_CRYFTEE_ERROR(custody.bls_sign(tls_key.handle, as_bytes("m"), bls::Dst::Signature), 404, "key_not_found");
  EXPECT_CRYFTEE_ERROR(custody.tls_sign(bls_key.handle, digest), 404, "key_not_found");
  EXPECT_CRYFTEE_ERROR(custody.tls_key("tls-unknown"), 404, "key_not_found");
  EXPECT_CRYFTEE_ERROR(custody.tls_sign(tls_key.handle, Bytes(31, 0)), 400, "invalid_digest");

  EXPECT_CRYFTEE_ERROR(custody.bls_import(Bytes(31, 1)), 400, "invalid_bls_secret");
  EXPECT_CRYFTEE_ERROR(custody.bls_import(Bytes(32, 0)), 400, "invalid_bls_secret");
  EXPECT_CRYFTEE_ERROR(custody.bls_find(Bytes(47, 0x80)), 400, "invalid_bls_public_key");
  EXPECT_FALSE(custody.bls_find(Bytes(48, 0x80)));
  EXPECT_CRYFTEE_ERROR(custody.tls_find(Bytes(65, 0x04)), 400, "invalid_tls_public_key");
  EXPECT_CRYFTEE_ERROR(custody.tls_import("garbage", std::nullopt), 400, "invalid_tls_key");

  EXPECT_EQ(custody.bls_keys().size(), 1u);
  EXPECT_EQ(custody.tls_keys().size(), 1u);
}

TEST(MemoryCustody, ErrorMessagesQuoteLongHandlesShortened) {
  MemoryCustody custody;
  const std::string long_handle(10'000, 'h');
  const Error error = cryftee::testing::error_from([&] { custody.bls_key(long_handle); });
  EXPECT_LT(std::string(error.what()).size(), 300u);
}

TEST(MemoryCustody, GeneratedTlsIdentitySignsAndMatchesItsCertificate) {
  MemoryCustody custody;
  const TlsKeyInfo info = custody.tls_generate();
  EXPECT_EQ(info.handle.rfind("tls-", 0), 0u);
  EXPECT_EQ(info.node_id, node_id_text(node_id_from_certificate(info.certificate_der)));
  EXPECT_EQ(tls_identity::parse_certificate_pem(info.certificate_pem).der, info.certificate_der);

  const Sha256Digest digest = sha256(as_bytes("signed ip"));
  const Bytes signature = custody.tls_sign(info.handle, digest);
  // Verified against the key inside the returned certificate, not the one the custody reports.
  EXPECT_TRUE(p256::verify_digest(certificate_public_key(info.certificate_der), digest, signature));
  EXPECT_EQ(p256::normalize_public_key(certificate_public_key(info.certificate_der)), info.public_key);

  const auto found = custody.tls_find(info.public_key);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->node_id, info.node_id);
  EXPECT_EQ(custody.tls_find(certificate_public_key(info.certificate_der))->handle, info.handle);
}

TEST(MemoryCustody, ImportsATlsKeyWithOrWithoutItsCertificate) {
  const std::string key_pem = p256_pkcs8_pem();
  const auto key = p256::PrivateKey::from_pem(key_pem);
  const auto certificate = tls_identity::make_staking_certificate(key);

  MemoryCustody with_certificate;
  const TlsKeyInfo imported = with_certificate.tls_import(key_pem, certificate.pem);
  EXPECT_EQ(imported.certificate_der, certificate.der);
  EXPECT_EQ(imported.node_id, node_id_text(node_id_from_certificate(certificate.der)));
  EXPECT_EQ(imported.public_key, key.public_key());

  MemoryCustody without_certificate;
  const TlsKeyInfo made = without_certificate.tls_import(key_pem, std::nullopt);
  EXPECT_EQ(made.handle, imported.handle);
  const Sha256Digest digest = sha256(as_bytes("d"));
  EXPECT_TRUE(p256::verify_digest(certificate_public_key(made.certificate_der), digest,
                                  without_certificate.tls_sign(made.handle, digest)));

  const auto other_certificate = tls_identity::make_staking_certificate(p256::PrivateKey::generate());
  MemoryCustody mismatched;
  EXPECT_CRYFTEE_ERROR(mismatched.tls_import(key_pem, other_certificate.pem), 400, "certificate_key_mismatch");
  EXPECT_CRYFTEE_ERROR(mismatched.tls_import(key_pem, std::string_view("no certificate")), 400,
                       "invalid_certificate");
  EXPECT_TRUE(mismatched.tls_keys().empty());
}

TEST(MemoryCustody, ReleasedKeysAreGone) {
  MemoryCustody custody;
  const BlsKeyInfo bls_key = custody.bls_generate();
  const TlsKeyInfo tls_key = custody.tls_generate();
  EXPECT_TRUE(custody.release(bls_key.handle));
  EXPECT_FALSE(custody.release(bls_key.handle));
  EXPECT_CRYFTEE_ERROR(custody.bls_sign(bls_key.handle, as_bytes("m"), bls::Dst::Signature), 404, "key_not_found");
  EXPECT_FALSE(custody.bls_find(bls_key.public_key));
  EXPECT_TRUE(custody.release(tls_key.handle));
  EXPECT_CRYFTEE_ERROR(custody.tls_sign(tls_key.handle, Bytes(32, 0)), 404, "key_not_found");
  EXPECT_TRUE(custody.bls_keys().empty());
  EXPECT_TRUE(custody.tls_keys().empty());
}

TEST(MemoryCustody, HoldsAtMostItsLimitOfKeysPerKind) {
  MemoryCustody custody(2);
  const Bytes secret = hex("4176616c616e6368654c6f63616c4e6574776f726b56616c696461746f723032");
  const BlsKeyInfo imported = custody.bls_import(secret);
  custody.bls_generate();
  EXPECT_CRYFTEE_ERROR(custody.bls_generate(), 409, "key_limit_reached");
  EXPECT_EQ(custody.bls_import(secret).handle, imported.handle);  // already held: no new slot needed
  custody.tls_generate();
  custody.tls_generate();
  EXPECT_CRYFTEE_ERROR(custody.tls_generate(), 409, "key_limit_reached");
  EXPECT_TRUE(custody.release(imported.handle));
  EXPECT_NO_THROW(custody.bls_generate());
}

TEST(MemoryCustody, ManyThreadsSignWhileKeysComeAndGo) {
  MemoryCustody custody;
  const auto vectors = load_vectors("bls-min-pk.json");
  struct Case {
    std::string handle;
    Bytes message;
    bls::Dst dst;
    Bytes expected;
  };
  std::vector<Case> cases;
  for (const auto& vector : vectors["cases"]) {
    const BlsKeyInfo info = custody.bls_import(hex(vector["secretKey"]));
    cases.push_back({info.handle, hex(vector["message"]), *bls::parse_dst_name(vector["dst"].get<std::string>()),
                     hex(vector["signature"])});
  }
  const TlsKeyInfo tls_key = custody.tls_generate();

  std::atomic<int> wrong{0};
  std::atomic<bool> churning{true};
  std::thread churn([&] {
    while (churning) {
      const BlsKeyInfo temporary = custody.bls_generate();
      custody.release(temporary.handle);
      custody.release(custody.tls_generate().handle);
    }
  });
  std::vector<std::thread> signers;
  for (int t = 0; t < 6; ++t) {
    signers.emplace_back([&, t] {
      for (int i = 0; i < 12; ++i) {
        const Case& c = cases[static_cast<std::size_t>(t * 7 + i) % cases.size()];
        if (to_bytes(custody.bls_sign(c.handle, c.message, c.dst)) != c.expected) ++wrong;
        const Sha256Digest digest = sha256(c.message);
        if (!p256::verify_digest(tls_key.public_key, digest, custody.tls_sign(tls_key.handle, digest))) ++wrong;
      }
    });
  }
  for (auto& signer : signers) signer.join();
  churning = false;
  churn.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(custody.bls_keys().size(), cases.size());
  EXPECT_EQ(custody.tls_keys().size(), 1u);
}

TEST(MemoryCustody, IsUsableThroughTheInterface) {
  std::unique_ptr<KeyCustody> custody = std::make_unique<MemoryCustody>();
  EXPECT_EQ(custody->backend_name(), "memory");
  const BlsKeyInfo info = custody->bls_generate();
  EXPECT_TRUE(bls::verify(info.public_key, as_bytes("m"), custody->bls_sign(info.handle, as_bytes("m"), bls::Dst::Signature),
                          bls::Dst::Signature));
}

}  // namespace
}  // namespace cryftee
