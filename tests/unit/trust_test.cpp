#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "crypto/ed25519.h"
#include "manifest/trust.h"
#include "util/encoding.h"
#include "util/error.h"

namespace cryftee {
namespace {

const std::string kKey = base64_encode(Bytes(32, 7));

std::string publisher(const std::string& id, const std::string& algo, const std::string& key) {
  return "[[publishers]]\nid = \"" + id + "\"\nalgo = \"" + algo + "\"\npublicKey = \"" + key + "\"\n";
}

TEST(TrustFile, ParsesPublishers) {
  const TrustStore store = parse_trust_file(publisher("acme", "ed25519", kKey) + publisher("beta", "ed25519", kKey));
  ASSERT_EQ(store.publishers.size(), 2u);
  const TrustedPublisher* acme = store.find("acme");
  ASSERT_NE(acme, nullptr);
  EXPECT_FALSE(acme->problem);
  EXPECT_EQ(acme->public_key, Bytes(32, 7));
  EXPECT_EQ(store.find("nobody"), nullptr);
}

TEST(TrustFile, EmptyFileTrustsNobody) { EXPECT_TRUE(parse_trust_file("# nothing yet\n").publishers.empty()); }

TEST(TrustFile, BadPublisherEntriesAreKeptWithAProblem) {
  const std::pair<std::string, std::string> cases[] = {
      {publisher("p", "rsa", kKey), "only \"ed25519\""},
      {publisher("p", "ed25519", "not base64!"), "not valid base64"},
      {publisher("p", "ed25519", base64_encode(Bytes(31, 1))), "31 bytes"},
      {"[[publishers]]\nid = \"p\"\nalgo = \"ed25519\"\n", "no publicKey"},
      {"[[publishers]]\nid = \"p\"\npublicKey = \"" + kKey + "\"\n", "no algo"},
      {publisher("p", "ed25519", kKey) + "comment = 1\n", "unknown field"},
  };
  for (const auto& [text, expected] : cases) {
    const TrustStore store = parse_trust_file(text + publisher("good", "ed25519", kKey));
    ASSERT_NE(store.find("p"), nullptr) << text;
    ASSERT_TRUE(store.find("p")->problem) << text;
    EXPECT_NE(store.find("p")->problem->find(expected), std::string::npos) << *store.find("p")->problem;
    EXPECT_FALSE(store.find("good")->problem);
  }
}

TEST(TrustFile, WholeFileProblemsThrow) {
  for (const std::string& bad : {std::string("publishers = ["), std::string("[policy]\nallow_unverified = true\n"),
                                 std::string("publishers = 3\n"), std::string("[[publishers]]\nalgo = \"ed25519\"\n"),
                                 std::string("[[publishers]]\nid = \"has space\"\n"),
                                 publisher("dup", "ed25519", kKey) + publisher("dup", "ed25519", kKey)}) {
    try {
      parse_trust_file(bad);
      FAIL() << "accepted " << bad;
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), "bad_trust_file");
    }
  }
}

TEST(TrustFile, FormatRoundTrips) {
  const Ed25519KeyPair pair = ed25519_generate();
  const TrustStore store = parse_trust_file(format_trust_file("cryftee-dev", pair.public_key));
  ASSERT_EQ(store.publishers.size(), 1u);
  EXPECT_EQ(store.publishers[0].id, "cryftee-dev");
  EXPECT_EQ(store.publishers[0].public_key, pair.public_key);
}

}  // namespace
}  // namespace cryftee

namespace cryftee {
namespace {

// The shipped example must stay a valid trust file whose placeholder key trusts nobody.
TEST(TrustFile, ExampleFileParsesAndFailsClosed) {
  std::ifstream in(std::string(CRYFTEE_SOURCE_DIR) + "/config/trust.example.toml");
  ASSERT_TRUE(in);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const TrustStore store = parse_trust_file(text);
  ASSERT_EQ(store.publishers.size(), 1u);
  ASSERT_TRUE(store.publishers[0].problem);
  EXPECT_NE(store.publishers[0].problem->find("publicKey"), std::string::npos);
}

}  // namespace
}  // namespace cryftee
