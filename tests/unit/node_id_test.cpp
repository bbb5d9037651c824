#include "crypto/node_id.h"

#include <gtest/gtest.h>

#include "crypto/tls_identity.h"
#include "key_test_support.h"

namespace cryftee {
namespace {

using cryftee::testing::hex;
using cryftee::testing::load_vectors;

TEST(Ripemd160, MatchesTheReferenceTestVectors) {
  // The test vectors published with RIPEMD-160 (Dobbertin, Bosselaers, Preneel).
  const std::pair<std::string, std::string> cases[] = {
      {"", "9c1185a5c5e9fc54612808977ee8f548b2258d31"},
      {"a", "0bdc9d2d256b3ee9daae347be6f4dc835a467ffe"},
      {"abc", "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc"},
      {"message digest", "5d0689ef49d2fae572b881b123a85ffa21595f36"},
      {"abcdefghijklmnopqrstuvwxyz", "f71c27109c692c1b56bbdceb5b9d2865b3708dbc"},
      {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "12a053384a9c0c88e405a06c27dcf49ada62eb2b"},
      {"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "b0e20b6e3116640286ed3a87a5713079b21f5189"},
      {std::string(1'000'000, 'a'), "52783243c1697bdbe16d37f97f68f08325dc1528"},
  };
  for (const auto& [input, expected] : cases) {
    EXPECT_EQ(hex_encode(ripemd160(as_bytes(input))), expected) << input.substr(0, 20);
  }
}

TEST(Base58, EncodesWithTheBitcoinAlphabet) {
  EXPECT_EQ(base58_encode(Bytes{}), "");
  EXPECT_EQ(base58_encode(Bytes{0}), "1");
  EXPECT_EQ(base58_encode(Bytes{0, 0, 1}), "112");
  EXPECT_EQ(base58_encode(Bytes{57}), "z");
  EXPECT_EQ(base58_encode(Bytes{58}), "21");
  EXPECT_EQ(base58_encode(as_bytes("Hello World!")), "2NEpo7TZRRrLZSi2U");
  EXPECT_EQ(base58_encode(hex("00000000287fb4cd")), "1111233QC4");
}

TEST(Base58, DecodesWhatItEncodesAndRejectsOtherCharacters) {
  Bytes data;
  for (int n = 0; n < 40; ++n) {
    EXPECT_EQ(base58_decode(base58_encode(data)), data) << n;
    data.push_back(static_cast<std::uint8_t>(n < 3 ? 0 : n * 53));
  }
  for (const char* bad : {"0", "O", "I", "l", "abc+", " 1"}) EXPECT_FALSE(base58_decode(bad)) << bad;
}

TEST(Cb58, AppendsAndChecksTheSha256Checksum) {
  const Bytes payload = hex("0102030405060708090a0b0c0d0e0f1011121314");
  const std::string text = cb58_encode(payload);
  EXPECT_EQ(cb58_decode(text), payload);

  std::string corrupted = text;
  corrupted[5] = corrupted[5] == '2' ? '3' : '2';
  EXPECT_FALSE(cb58_decode(corrupted));
  EXPECT_FALSE(cb58_decode("1"));  // shorter than a checksum
  EXPECT_FALSE(cb58_decode("0abc"));
}

TEST(NodeId, VectorsRoundTripThroughCb58) {
  const auto vectors = load_vectors("nodeid-cb58.json");
  ASSERT_FALSE(vectors["cases"].empty());
  for (const auto& vector : vectors["cases"]) {
    const Bytes bytes = hex(vector["bytesHex"]);
    NodeId node_id;
    ASSERT_EQ(bytes.size(), node_id.size());
    std::copy(bytes.begin(), bytes.end(), node_id.begin());
    EXPECT_EQ(node_id_text(node_id), vector["nodeID"].get<std::string>());
    EXPECT_EQ(parse_node_id(vector["nodeID"].get<std::string>()), node_id);
  }
}

TEST(NodeId, AvalancheStakerCertificatesGiveTheirNodeIds) {
  const auto vectors = load_vectors("avalanche-local.json");
  ASSERT_FALSE(vectors["stakers"].empty());
  for (const auto& staker : vectors["stakers"]) {
    SCOPED_TRACE(staker["name"].get<std::string>());
    const auto certificate = tls_identity::parse_certificate_pem(staker["certificatePEM"].get<std::string>());
    const NodeId node_id = node_id_from_certificate(certificate.der);
    EXPECT_EQ(hex_encode(node_id), staker["nodeIDBytesHex"].get<std::string>());
    EXPECT_EQ(node_id_text(node_id), staker["nodeID"].get<std::string>());
  }
}

TEST(NodeId, ParsingRefusesAnythingButAPrefixedChecksummedTwentyBytes) {
  const std::string valid = "NodeID-7Xhw2mDxuDS44j42TCB6U5579esbSt3Lg";
  ASSERT_TRUE(parse_node_id(valid));
  EXPECT_FALSE(parse_node_id(valid.substr(7)));
  EXPECT_FALSE(parse_node_id("nodeid-" + valid.substr(7)));
  EXPECT_FALSE(parse_node_id("NodeID-" + cb58_encode(Bytes(19, 1))));
  EXPECT_FALSE(parse_node_id("NodeID-" + cb58_encode(Bytes(21, 1))));
  EXPECT_FALSE(parse_node_id(valid.substr(0, valid.size() - 1) + "h"));
}

}  // namespace
}  // namespace cryftee
