#include "util/encoding.h"

#include <gtest/gtest.h>

namespace cryftee {
namespace {

TEST(Base64, RoundTripsEveryLength) {
  Bytes data;
  for (int n = 0; n < 40; ++n) {
    auto decoded = base64_decode(base64_encode(data));
    ASSERT_TRUE(decoded) << n;
    EXPECT_EQ(*decoded, data) << n;
    data.push_back(static_cast<std::uint8_t>(n * 37));
  }
}

TEST(Base64, MatchesKnownEncodings) {
  EXPECT_EQ(base64_encode(as_bytes("foobar")), "Zm9vYmFy");
  EXPECT_EQ(base64_encode(as_bytes("fooba")), "Zm9vYmE=");
  EXPECT_EQ(base64_encode(as_bytes("foob")), "Zm9vYg==");
}

TEST(Base64, RejectsMalformedText) {
  EXPECT_FALSE(base64_decode("Zm9v!mFy"));
  EXPECT_FALSE(base64_decode("Z"));
  EXPECT_FALSE(base64_decode("Zm9vYh=="));  // non-zero trailing bits
  EXPECT_TRUE(base64_decode("Zm9vYg=="));
  EXPECT_FALSE(base64_decode("Zm9vYg"));     // unpadded
  EXPECT_FALSE(base64_decode("Zm9vYg="));    // padded short
  EXPECT_FALSE(base64_decode("Zm9vY==="));   // three '='
  EXPECT_FALSE(base64_decode("Zm9=vYmF"));   // '=' inside
  EXPECT_TRUE(base64_decode("+/+/"));
  EXPECT_FALSE(base64_decode("-_-_"));       // URL-safe alphabet
}

TEST(Hex, DecodesWithOrWithoutPrefix) {
  EXPECT_EQ(*hex_decode("0x0aFf"), (Bytes{0x0a, 0xff}));
  EXPECT_EQ(*hex_decode("0aff"), (Bytes{0x0a, 0xff}));
  EXPECT_FALSE(hex_decode("0af"));
  EXPECT_FALSE(hex_decode("zz"));
  EXPECT_EQ(hex_encode(Bytes{0x00, 0xab}), "00ab");
}

TEST(HexOrBase64, PicksTheEncodingThatGivesTheExpectedSize) {
  const Bytes key(48, 0x5a);
  EXPECT_EQ(*decode_hex_or_base64(hex_encode(key), 48), key);
  EXPECT_EQ(*decode_hex_or_base64("0x" + hex_encode(key), 48), key);
  EXPECT_EQ(*decode_hex_or_base64(base64_encode(key), 48), key);
  EXPECT_FALSE(decode_hex_or_base64(base64_encode(key), 32));
}

}  // namespace
}  // namespace cryftee
