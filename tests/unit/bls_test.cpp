#include "crypto/bls.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "key_test_support.h"
#include "util/encoding.h"

namespace cryftee::bls {
namespace {

using cryftee::testing::hex;
using cryftee::testing::load_vectors;

// The group order r of BLS12-381, big-endian.
constexpr const char* kGroupOrderHex = "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001";

Dst dst_named(const std::string& name) {
  auto dst = parse_dst_name(name);
  if (!dst) throw std::runtime_error("unknown dst in vectors: " + name);
  return *dst;
}

Dst other(Dst dst) { return dst == Dst::Signature ? Dst::ProofOfPossession : Dst::Signature; }

Bytes to_bytes(ByteView view) { return Bytes(view.begin(), view.end()); }

TEST(Bls, DstTagsAreTheCiphersuiteIds) {
  const auto vectors = load_vectors("bls-min-pk.json");
  EXPECT_EQ(dst_tag(Dst::Signature), vectors["dsts"]["sig"].get<std::string>());
  EXPECT_EQ(dst_tag(Dst::ProofOfPossession), vectors["dsts"]["pop"].get<std::string>());
  EXPECT_FALSE(parse_dst_name("SIG"));
  EXPECT_FALSE(parse_dst_name(""));
}

TEST(Bls, EveryMinPkVectorSignsToTheExpectedBytesAndVerifies) {
  const auto vectors = load_vectors("bls-min-pk.json");
  ASSERT_FALSE(vectors["cases"].empty());
  std::set<std::string> dsts_seen;
  for (const auto& vector : vectors["cases"]) {
    const std::string dst_name = vector["dst"];
    dsts_seen.insert(dst_name);
    const Dst dst = dst_named(dst_name);
    const Bytes message = hex(vector["message"]);
    const Bytes expected_signature = hex(vector["signature"]);
    SCOPED_TRACE(vector["secretKey"].get<std::string>() + " " + dst_name);

    const auto key = SecretKey::from_bytes(hex(vector["secretKey"]));
    const PublicKey public_key = key.public_key();
    EXPECT_EQ(to_bytes(public_key), hex(vector["publicKey"]));
    const Signature signature = key.sign(message, dst);
    EXPECT_EQ(to_bytes(signature), expected_signature);

    EXPECT_TRUE(verify(public_key, message, expected_signature, dst));
    EXPECT_FALSE(verify(public_key, message, expected_signature, other(dst)));
  }
  EXPECT_EQ(dsts_seen, (std::set<std::string>{"sig", "pop"}));
}

TEST(Bls, AvalancheSignersGiveTheirPublicKeysAndProofsOfPossession) {
  const auto vectors = load_vectors("avalanche-local.json");
  ASSERT_FALSE(vectors["signers"].empty());
  for (const auto& signer : vectors["signers"]) {
    SCOPED_TRACE(signer["name"].get<std::string>());
    const Bytes secret = hex(signer["secretKeyHex"]);
    EXPECT_EQ(*base64_decode(signer["secretKeyBase64"].get<std::string>()), secret);
    const auto key = SecretKey::from_bytes(secret);
    const PublicKey public_key = key.public_key();
    EXPECT_EQ(to_bytes(public_key), hex(signer["publicKey"]));
    EXPECT_EQ(to_bytes(key.proof_of_possession()), hex(signer["proofOfPossession"]));
    EXPECT_TRUE(verify(public_key, public_key, hex(signer["proofOfPossession"]), Dst::ProofOfPossession));
  }
}

TEST(Bls, VerificationFailsForAWrongMessageKeyOrSignature) {
  const auto key = SecretKey::from_bytes(hex("2b881a748a98ed8c6d408657340ea6e4bbaa8ba0549440960f6ce5f2ae7f6334"));
  const auto other_key = SecretKey::from_bytes(hex("4bf4b3c68d36f86527a1cc3297c1c9895ad4498e17897a32d797558cff10e98c"));
  const Bytes message = to_bytes(as_bytes("warp message"));
  const Signature signature = key.sign(message, Dst::Signature);

  EXPECT_TRUE(verify(key.public_key(), message, signature, Dst::Signature));
  EXPECT_FALSE(verify(key.public_key(), as_bytes("warp messagf"), signature, Dst::Signature));
  EXPECT_FALSE(verify(other_key.public_key(), message, signature, Dst::Signature));
  EXPECT_FALSE(verify(key.public_key(), message, other_key.sign(message, Dst::Signature), Dst::Signature));

  Signature tampered = signature;
  tampered[40] ^= 0x01;
  EXPECT_FALSE(verify(key.public_key(), message, tampered, Dst::Signature));
  EXPECT_FALSE(verify(key.public_key(), message, ByteView(signature.data(), 95), Dst::Signature));
  EXPECT_FALSE(verify(ByteView(key.public_key().data(), 47), message, signature, Dst::Signature));
  EXPECT_FALSE(verify(key.public_key(), message, Bytes(96, 0), Dst::Signature));
}

TEST(Bls, RefusesSecretsOutsideTheRange) {
  const Bytes order = hex(kGroupOrderHex);
  EXPECT_CRYFTEE_ERROR(SecretKey::from_bytes(Bytes(32, 0)), 400, "invalid_bls_secret");
  EXPECT_CRYFTEE_ERROR(SecretKey::from_bytes(order), 400, "invalid_bls_secret");
  Bytes above = order;
  above[31] += 1;
  EXPECT_CRYFTEE_ERROR(SecretKey::from_bytes(above), 400, "invalid_bls_secret");
  EXPECT_CRYFTEE_ERROR(SecretKey::from_bytes(Bytes(32, 0xff)), 400, "invalid_bls_secret");
  EXPECT_CRYFTEE_ERROR(SecretKey::from_bytes(Bytes(31, 0x11)), 400, "invalid_bls_secret");
  EXPECT_CRYFTEE_ERROR(SecretKey::from_bytes(Bytes(33, 0x11)), 400, "invalid_bls_secret");

  Bytes largest = order;
  largest[31] -= 1;  // r - 1
  EXPECT_NO_THROW(SecretKey::from_bytes(largest));
  Bytes one(32, 0);
  one[31] = 1;
  EXPECT_NO_THROW(SecretKey::from_bytes(one));
}

TEST(Bls, ErrorsDoNotEchoTheSecret) {
  const Bytes secret(32, 0xff);
  const Error error = cryftee::testing::error_from([&] { SecretKey::from_bytes(secret); });
  const std::string message = error.what();
  EXPECT_EQ(message.find(hex_encode(secret)), std::string::npos);
  EXPECT_EQ(message.find("ffff"), std::string::npos);
}

TEST(Bls, KeygenFollowsTheIetfKeyGenAsEip2333Uses) {
  // EIP-2333 test case 0: derive_master_SK(seed) is the IETF KeyGen that blst_keygen implements.
  const Bytes seed = hex(
      "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c8"
      "1b2f001698e7463b04");
  const auto key = SecretKey::from_ikm(seed);
  // master_SK = 6083874454709270928345386274498605044986640685124978867557563392430687146096
  EXPECT_EQ(hex_encode(key.to_bytes()), "0d7359d57963ab8fbbde1852dcf553fedbc31f464d80ee7d40ae683122b45070");
  EXPECT_CRYFTEE_ERROR(SecretKey::from_ikm(Bytes(31, 7)), 400, "invalid_bls_ikm");
}

TEST(Bls, GeneratedKeysAreDistinctAndRoundTrip) {
  const auto first = SecretKey::generate();
  const auto second = SecretKey::generate();
  EXPECT_NE(first.public_key(), second.public_key());
  EXPECT_TRUE(is_valid_public_key(first.public_key()));
  EXPECT_TRUE(verify(first.public_key(), first.public_key(), first.proof_of_possession(), Dst::ProofOfPossession));
  Bytes secret = first.to_bytes();
  EXPECT_EQ(SecretKey::from_bytes(secret).public_key(), first.public_key());
  secure_zero(secret);
}

TEST(Bls, MovingASecretZeroesTheSource) {
  auto source = SecretKey::from_bytes(hex("2b881a748a98ed8c6d408657340ea6e4bbaa8ba0549440960f6ce5f2ae7f6334"));
  const PublicKey public_key = source.public_key();
  SecretKey destination = std::move(source);
  EXPECT_EQ(destination.public_key(), public_key);
  EXPECT_EQ(source.to_bytes(), Bytes(32, 0));  // NOLINT(bugprone-use-after-move): checking the zeroing
}

TEST(Bls, PublicKeyValidationNamesTheProblem) {
  const auto key = SecretKey::from_bytes(hex("105c01c63a712df9946e86e87fe1c904234e135e2ceed8e07d0a8e51388aec83"));
  EXPECT_NO_THROW(require_valid_public_key(key.public_key()));

  Bytes infinity(48, 0);
  infinity[0] = 0xc0;  // compressed, infinity
  EXPECT_FALSE(is_valid_public_key(infinity));
  EXPECT_CRYFTEE_ERROR(require_valid_public_key(infinity), 400, "invalid_bls_public_key");

  Bytes uncompressed_flag = to_bytes(key.public_key());
  uncompressed_flag[0] &= 0x7f;
  EXPECT_FALSE(is_valid_public_key(uncompressed_flag));

  // x = 1 with the compression bit: no point on the curve has it (y^2 = 1 + 4 is not a square mod p).
  Bytes off_curve(48, 0);
  off_curve[0] = 0x80;
  off_curve[47] = 0x01;
  EXPECT_FALSE(is_valid_public_key(off_curve));
  EXPECT_CRYFTEE_ERROR(require_valid_public_key(off_curve), 400, "invalid_bls_public_key");

  EXPECT_FALSE(is_valid_public_key(Bytes(47, 0x80)));
  EXPECT_CRYFTEE_ERROR(require_valid_public_key(Bytes(96, 0x80)), 400, "invalid_bls_public_key");
}

}  // namespace
}  // namespace cryftee::bls
