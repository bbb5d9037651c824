#include "crypto/aes_gcm.h"

#include <gtest/gtest.h>

#include "key_test_support.h"

namespace cryftee {
namespace {

using testing::hex;

TEST(AesGcm, OpensTheSpecificationVector) {
  // Kept in a variable: a range-for over a member of a temporary would outlive the temporary.
  const auto vectors = testing::load_vectors("aes-256-gcm.json");
  for (const auto& c : vectors["cases"]) {
    Bytes sealed = hex(c["iv"]);
    const Bytes ciphertext = hex(c["ciphertext"]);
    const Bytes tag = hex(c["tag"]);
    sealed.insert(sealed.end(), ciphertext.begin(), ciphertext.end());
    sealed.insert(sealed.end(), tag.begin(), tag.end());
    const std::optional<Bytes> opened = aes_gcm::open(hex(c["key"]), sealed);
    ASSERT_TRUE(opened);
    EXPECT_EQ(*opened, hex(c["plaintext"]));

    Bytes forged = sealed;
    forged[aes_gcm::kNonceSize] ^= 0x01;
    EXPECT_FALSE(aes_gcm::open(hex(c["key"]), forged));
    Bytes other_key = hex(c["key"]);
    other_key[0] ^= 0x01;
    EXPECT_FALSE(aes_gcm::open(other_key, sealed));
    EXPECT_FALSE(aes_gcm::open(hex(c["key"]), ByteView(sealed).first(aes_gcm::kNonceSize + aes_gcm::kTagSize - 1)));
  }
}

TEST(AesGcm, SealsUnderAFreshNonceEachTime) {
  const Bytes key(aes_gcm::kKeySize, 0x42);
  const std::string_view text = "a staking key";
  const Bytes secret(text.begin(), text.end());
  const Bytes first = aes_gcm::seal(key, secret);
  const Bytes second = aes_gcm::seal(key, secret);
  EXPECT_EQ(first.size(), aes_gcm::kNonceSize + secret.size() + aes_gcm::kTagSize);
  EXPECT_NE(first, second);
  EXPECT_EQ(aes_gcm::open(key, first), secret);
  EXPECT_EQ(aes_gcm::open(key, second), secret);
  EXPECT_EQ(aes_gcm::open(key, aes_gcm::seal(key, Bytes{})), Bytes{});
}

}  // namespace
}  // namespace cryftee
