// Ed25519 against the RFC 8032 section 7.1 test vectors, plus key files.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "crypto/ed25519.h"
#include "util/encoding.h"
#include "util/error.h"

namespace cryftee {
namespace {

struct Rfc8032Vector {
  const char* secret;
  const char* public_key;
  const char* message;
  const char* signature;
};

constexpr Rfc8032Vector kVectors[] = {
    {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe2465"
     "5141438e7a100b"},
    {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb0"
     "0d291612bb0c00"},
    {"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28d"
     "c027beceea1ec40a"},
};

Bytes hex(const char* text) { return hex_decode(text).value(); }

TEST(Ed25519, Rfc8032Vectors) {
  for (const auto& v : kVectors) {
    EXPECT_EQ(hex_encode(ed25519_public_key(hex(v.secret))), v.public_key);
    EXPECT_EQ(hex_encode(ed25519_sign(hex(v.secret), hex(v.message))), v.signature);
    EXPECT_TRUE(ed25519_verify(hex(v.public_key), hex(v.message), hex(v.signature)));
  }
}

TEST(Ed25519, VerifyRejectsTamperingAndWrongSizes) {
  const auto& v = kVectors[2];
  Bytes message = hex(v.message);
  message[0] ^= 1;
  EXPECT_FALSE(ed25519_verify(hex(v.public_key), message, hex(v.signature)));
  Bytes signature = hex(v.signature);
  signature[10] ^= 0x40;
  EXPECT_FALSE(ed25519_verify(hex(v.public_key), hex(v.message), signature));
  EXPECT_FALSE(ed25519_verify(hex(kVectors[0].public_key), hex(v.message), hex(v.signature)));
  EXPECT_FALSE(ed25519_verify(Bytes(31), hex(v.message), hex(v.signature)));
  EXPECT_FALSE(ed25519_verify(hex(v.public_key), hex(v.message), Bytes(63)));
}

TEST(Ed25519, GeneratedKeysSignAndDiffer) {
  Ed25519KeyPair a = ed25519_generate();
  Ed25519KeyPair b = ed25519_generate();
  EXPECT_EQ(a.seed.size(), kEd25519SeedSize);
  EXPECT_NE(a.seed, b.seed);
  EXPECT_EQ(a.public_key, ed25519_public_key(a.seed));
  const Bytes signature = ed25519_sign(a.seed, as_bytes("hello"));
  EXPECT_TRUE(ed25519_verify(a.public_key, as_bytes("hello"), signature));
  EXPECT_FALSE(ed25519_verify(b.public_key, as_bytes("hello"), signature));
}

TEST(Ed25519, PemRoundTripWithOwnerOnlyMode) {
  const auto dir = std::filesystem::temp_directory_path() / ("cryftee-ed25519-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = dir / "key.pem";
  const Bytes seed = hex(kVectors[0].secret);
  ed25519_write_private_pem(path, seed);
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  const Ed25519KeyPair pair = ed25519_read_private_pem(path);
  EXPECT_EQ(pair.seed, seed);
  EXPECT_EQ(hex_encode(pair.public_key), kVectors[0].public_key);

  std::ofstream(dir / "not-a-key.pem") << "hello";
  EXPECT_THROW(ed25519_read_private_pem(dir / "not-a-key.pem"), Error);
  EXPECT_THROW(ed25519_read_private_pem(dir / "missing.pem"), Error);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cryftee
