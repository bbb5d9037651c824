#include <gtest/gtest.h>

#include "crypto/ed25519.h"
#include "manifest/entry_signature.h"
#include "manifest/manifest.h"
#include "util/canonical_json.h"
#include "util/encoding.h"

namespace cryftee {
namespace {

class EntrySignature : public ::testing::Test {
 protected:
  void SetUp() override {
    key = ed25519_generate();
    other_key = ed25519_generate();
    trust = parse_trust_file(format_trust_file("acme", key.public_key));
    raw = nlohmann::json::parse(R"({
      "id": "m", "dir": "m", "file": "m.wasm", "version": "1.0.0", "capabilities": ["bls_sign"],
      "defaultFor": {"bls": true}, "imports": ["bls_sign"], "limits": {"memoryPages": 8},
      "publisherId": "acme", "hash": "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"})");
  }

  SignatureCheck check(const nlohmann::json& entry) const { return verify_entry_signature(parse_manifest_entry(entry), trust); }

  Ed25519KeyPair key, other_key;
  TrustStore trust;
  nlohmann::json raw;
};

TEST_F(EntrySignature, PayloadIsDomainPlusCanonicalEntryWithoutSignature) {
  nlohmann::json with_signature = raw;
  with_signature["signature"] = "anything";
  const std::string payload = entry_signing_payload(with_signature);
  EXPECT_EQ(payload, "cryftee-module-entry-v1\n" + canonical_json(raw));
  EXPECT_EQ(payload.find("signature"), std::string::npos);
}

TEST_F(EntrySignature, SignedEntryVerifies) {
  raw["signature"] = sign_entry(raw, key.seed);
  const SignatureCheck result = check(raw);
  EXPECT_EQ(result.verdict, SignatureVerdict::Valid) << result.reason;
  // Key order and white space do not matter: the signature covers the canonical form.
  EXPECT_EQ(check(nlohmann::json::parse(raw.dump(4))).verdict, SignatureVerdict::Valid);
}

TEST_F(EntrySignature, EveryTamperedFieldBreaksIt) {
  raw["signature"] = sign_entry(raw, key.seed);
  const std::pair<const char*, nlohmann::json> tampering[] = {
      {"dir", "other"},
      {"file", "other.wasm"},
      {"version", "1.0.1"},
      {"capabilities", {"bls_sign", "tls_sign"}},
      {"defaultFor", {{"bls", false}}},
      {"imports", {"bls_sign", "tls_sign"}},
      {"limits", {{"memoryPages", 9}}},
      {"hash", "sha256:0000000000000000000000000000000000000000000000000000000000000000"},
      {"description", "added later"},
  };
  for (const auto& [field, value] : tampering) {
    nlohmann::json changed = raw;
    changed[field] = value;
    EXPECT_EQ(check(changed).verdict, SignatureVerdict::Invalid) << field;
  }
}

TEST_F(EntrySignature, FailuresHaveTypedVerdictsAndReasons) {
  nlohmann::json entry = raw;
  EXPECT_EQ(check(entry).verdict, SignatureVerdict::Missing);

  entry["signature"] = sign_entry(raw, other_key.seed);
  const SignatureCheck wrong_key = check(entry);
  EXPECT_EQ(wrong_key.verdict, SignatureVerdict::Invalid);
  EXPECT_NE(wrong_key.reason.find("acme"), std::string::npos);

  entry["signature"] = "%%%not-base64%%%";
  EXPECT_EQ(check(entry).verdict, SignatureVerdict::Malformed);
  entry["signature"] = base64_encode(Bytes(63, 1));
  EXPECT_EQ(check(entry).verdict, SignatureVerdict::Malformed);

  entry["publisherId"] = "stranger";
  entry["signature"] = sign_entry(entry, key.seed);
  const SignatureCheck unknown = check(entry);
  EXPECT_EQ(unknown.verdict, SignatureVerdict::UnknownPublisher);
  EXPECT_NE(unknown.reason.find("stranger"), std::string::npos);

  const TrustStore broken = parse_trust_file("[[publishers]]\nid = \"acme\"\nalgo = \"ed448\"\npublicKey = \"" +
                                             base64_encode(key.public_key) + "\"\n");
  raw["signature"] = sign_entry(raw, key.seed);
  const SignatureCheck unusable = verify_entry_signature(parse_manifest_entry(raw), broken);
  EXPECT_EQ(unusable.verdict, SignatureVerdict::PublisherUnusable);
  EXPECT_NE(unusable.reason.find("ed448"), std::string::npos);
}

}  // namespace
}  // namespace cryftee
