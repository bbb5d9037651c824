#include "attest/attestor.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "attest/document.h"
#include "crypto/ed25519.h"
#include "crypto/sha256.h"
#include "util/canonical_json.h"
#include "util/encoding.h"
#include "util/error.h"

namespace cryftee {
namespace {

using nlohmann::json;

runtime::ModuleRecord module_record(std::string id, bool loaded, std::string computed_hash) {
  runtime::ModuleRecord record;
  record.entry.id = std::move(id);
  record.entry.version = "1.2.3";
  record.entry.hash = "sha256:" + std::string(64, 'a');
  record.computed_hash = std::move(computed_hash);
  record.status.trusted = loaded;
  record.status.compatible = true;
  record.status.loaded = loaded;
  if (!loaded) record.status.reason = "the module file's hash does not match the manifest";
  return record;
}

runtime::Registry sample_registry() {
  runtime::Registry registry;
  registry.epoch = 3;
  registry.manifest_hash = "sha256:" + std::string(64, '1');
  registry.trust_hash = "sha256:" + std::string(64, '2');
  registry.modules.push_back(module_record("bls_tls_signer_v1", true, "sha256:" + std::string(64, 'a')));
  registry.modules.push_back(module_record("broken_v1", false, "sha256:" + std::string(64, 'b')));
  return registry;
}

// The hash of this test binary's file, computed independently of running_binary_hash().
std::string test_binary_hash() {
  return "sha256:" + hex_encode(sha256_file(std::filesystem::path(CRYFTEE_BINARY_DIR) / "tests" / "cryftee_unit_tests"));
}

AttestationCheck find_check(const AttestationVerdict& verdict, const std::string& name) {
  for (const AttestationCheck& check : verdict.checks) {
    if (check.name == name) return check;
  }
  ADD_FAILURE() << "no check named " << name;
  return {};
}

TEST(Attestation, RunningBinaryHashIsTheHashOfTheExecutableFile) {
  EXPECT_EQ(running_binary_hash(), test_binary_hash());
}

TEST(Attestation, DocumentCarriesTheClientContractFields) {
  Config config;
  Attestor attestor(config);
  const runtime::Registry registry = sample_registry();
  const json document = attestor.attest(registry, std::string("n-123"));
  EXPECT_EQ(document["core_binary_hash"], test_binary_hash());
  EXPECT_EQ(document["manifest_hash"], registry.manifest_hash);
  EXPECT_EQ(document["trust_hash"], registry.trust_hash);
  EXPECT_EQ(document["nonce"], "n-123");
  EXPECT_TRUE(document["timestamp"].is_string());
  EXPECT_EQ(document["timestamp"].get<std::string>().back(), 'Z');
  EXPECT_EQ(document["loaded_modules"], json::array({"bls_tls_signer_v1"}));
  ASSERT_EQ(document["modules"].size(), 2u);
  EXPECT_EQ(document["modules"][1]["computedHash"], "sha256:" + std::string(64, 'b'));
  EXPECT_EQ(document["modules"][1]["loaded"], false);
  EXPECT_EQ(document["attestation_public_key"], attestor.public_key_b64());
  EXPECT_FALSE(document.contains("verified_binary_hash"));
}

TEST(Attestation, SignatureIsEd25519OverDomainAndCanonicalDocument) {
  Config config;
  Attestor attestor(config);
  json document = attestor.attest(sample_registry(), std::nullopt);
  const std::optional<Bytes> signature = base64_decode(document["signature"].get<std::string>());
  const std::optional<Bytes> public_key = base64_decode(attestor.public_key_b64());
  ASSERT_TRUE(signature && public_key);
  json covered = document;
  covered.erase("signature");
  const std::string payload = "cryftee-attestation-v1\n" + canonical_json(covered);
  EXPECT_TRUE(ed25519_verify(*public_key, as_bytes(payload), *signature));
  EXPECT_EQ(attestation_signing_payload(document), payload);
}

TEST(Attestation, GenuineDocumentVerifies) {
  Config config;
  Attestor attestor(config);
  const json document = attestor.attest(sample_registry(), std::string("abc"));
  // A verifier receives the document as text.
  const json received = json::parse(document.dump());
  const AttestationVerdict verdict = verify_attestation(
      received, {.public_key_b64 = attestor.public_key_b64(), .nonce = "abc", .binary_hash = test_binary_hash()});
  EXPECT_TRUE(verdict.valid);
  for (const AttestationCheck& check : verdict.checks) EXPECT_TRUE(check.passed) << check.name << ": " << check.detail;
}

TEST(Attestation, AnyTamperedFieldBreaksTheSignature) {
  Config config;
  Attestor attestor(config);
  const json document = attestor.attest(sample_registry(), std::string("abc"));
  const std::vector<std::function<void(json&)>> tamperings = {
      [](json& d) { d["core_binary_hash"] = "sha256:" + std::string(64, 'f'); },
      [](json& d) { d["manifest_hash"] = "sha256:" + std::string(64, '0'); },
      [](json& d) { d["modules"][1]["loaded"] = true; },
      [](json& d) { d["modules"][0]["computedHash"] = "sha256:" + std::string(64, 'c'); },
      [](json& d) { d["loaded_modules"].push_back("broken_v1"); },
      [](json& d) { d["nonce"] = "abd"; },
      [](json& d) { d["timestamp"] = "2020-01-01T00:00:00.000Z"; },
      [](json& d) { d["extra"] = 1; },
      [](json& d) { d.erase("trust_hash"); },
  };
  for (std::size_t i = 0; i < tamperings.size(); ++i) {
    json tampered = document;
    tamperings[i](tampered);
    const AttestationVerdict verdict = verify_attestation(tampered, {});
    EXPECT_FALSE(verdict.valid) << "tampering " << i;
    EXPECT_FALSE(find_check(verdict, "signature").passed) << "tampering " << i;
  }
}

TEST(Attestation, WrongKeyFails) {
  Config config;
  Attestor attestor(config);
  Attestor other(config);
  const json document = attestor.attest(sample_registry(), std::nullopt);

  // The verifier pins a different key.
  AttestationVerdict verdict = verify_attestation(document, {.public_key_b64 = other.public_key_b64()});
  EXPECT_FALSE(verdict.valid);
  EXPECT_TRUE(find_check(verdict, "signature").passed);
  EXPECT_FALSE(find_check(verdict, "public_key").passed);

  // Someone swaps in their own key without re-signing.
  json swapped = document;
  swapped["attestation_public_key"] = other.public_key_b64();
  EXPECT_FALSE(verify_attestation(swapped, {}).valid);

  // Someone re-signs the document with their own key: intact, but not by the pinned key.
  json resigned = other.attest(sample_registry(), std::nullopt);
  verdict = verify_attestation(resigned, {.public_key_b64 = attestor.public_key_b64()});
  EXPECT_FALSE(verdict.valid);
  EXPECT_FALSE(find_check(verdict, "public_key").passed);
}

TEST(Attestation, NonceAndBinaryHashExpectations) {
  Config config;
  Attestor attestor(config);
  const json document = attestor.attest(sample_registry(), std::string("fresh"));
  EXPECT_FALSE(verify_attestation(document, {.nonce = "stale"}).valid);
  EXPECT_FALSE(verify_attestation(attestor.attest(sample_registry(), std::nullopt), {.nonce = "fresh"}).valid);
  EXPECT_FALSE(verify_attestation(document, {.binary_hash = "sha256:" + std::string(64, '0')}).valid);
  std::string upper = test_binary_hash().substr(7);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(verify_attestation(document, {.binary_hash = upper}).valid);
  EXPECT_FALSE(verify_attestation(document, {.binary_hash = "not-a-hash"}).valid);
}

TEST(Attestation, MalformedDocumentsAreInvalidNotErrors) {
  EXPECT_FALSE(verify_attestation(json::array(), {}).valid);
  EXPECT_FALSE(verify_attestation(json::object(), {}).valid);
  Config config;
  Attestor attestor(config);
  json document = attestor.attest(sample_registry(), std::nullopt);
  document["signature"] = "%%%";
  EXPECT_FALSE(verify_attestation(document, {}).valid);
  document["signature"] = 42;
  EXPECT_FALSE(verify_attestation(document, {}).valid);
  document.erase("signature");
  EXPECT_FALSE(verify_attestation(document, {}).valid);
}

TEST(Attestation, NonceMustBeShortPrintableText) {
  Config config;
  Attestor attestor(config);
  const runtime::Registry registry = sample_registry();
  EXPECT_NO_THROW(attestor.attest(registry, std::string(kMaxNonceLength, 'x')));
  for (const std::string& nonce : {std::string(kMaxNonceLength + 1, 'x'), std::string(), std::string("a\nb"),
                                   std::string("caf\xc3\xa9")}) {
    try {
      attestor.attest(registry, nonce);
      ADD_FAILURE() << "accepted nonce of size " << nonce.size();
    } catch (const Error& error) {
      EXPECT_EQ(error.status(), 400);
      EXPECT_EQ(error.code(), "bad_nonce");
    }
  }
}

TEST(Attestation, ConfiguredBinaryHashIsComparedNotCopied) {
  Config config;
  config.verified_binary_hash = test_binary_hash();
  json document = Attestor(config).attest(sample_registry(), std::nullopt);
  EXPECT_EQ(document["verified_binary_hash"]["matches"], true);
  EXPECT_TRUE(verify_attestation(document, {}).valid);

  config.verified_binary_hash = "sha256:" + std::string(64, 'e');
  document = Attestor(config).attest(sample_registry(), std::nullopt);
  EXPECT_EQ(document["verified_binary_hash"]["expected"], "sha256:" + std::string(64, 'e'));
  EXPECT_EQ(document["verified_binary_hash"]["matches"], false);
  EXPECT_EQ(document["core_binary_hash"], test_binary_hash());
  const AttestationVerdict verdict = verify_attestation(document, {});
  EXPECT_TRUE(find_check(verdict, "signature").passed);
  EXPECT_FALSE(find_check(verdict, "verified_binary_hash").passed);
  EXPECT_FALSE(verdict.valid);
}

TEST(Attestation, KeyIsLoadedFromTheConfiguredFile) {
  const auto path = std::filesystem::temp_directory_path() / ("cryftee-attest-key-" + std::to_string(::getpid()) + ".pem");
  Ed25519KeyPair key = ed25519_generate();
  ed25519_write_private_pem(path, key.seed);
  Config config;
  config.attestation_key_file = path;
  Attestor attestor(config);
  std::filesystem::remove(path);
  EXPECT_TRUE(attestor.key_from_file());
  EXPECT_EQ(attestor.public_key_b64(), base64_encode(key.public_key));
  EXPECT_TRUE(verify_attestation(attestor.attest(sample_registry(), std::nullopt),
                                 {.public_key_b64 = base64_encode(key.public_key)})
                  .valid);
  secure_zero(key.seed);
}

TEST(Attestation, MissingKeyFileIsAnError) {
  Config config;
  config.attestation_key_file = "/nonexistent/attestation.pem";
  EXPECT_THROW(Attestor{config}, Error);
}

TEST(Attestation, Sha256TagNormalization) {
  const std::string hex(64, 'a');
  EXPECT_EQ(normalize_sha256_tag("sha256:" + hex), "sha256:" + hex);
  EXPECT_EQ(normalize_sha256_tag("SHA256:" + std::string(64, 'A')), "sha256:" + hex);
  EXPECT_EQ(normalize_sha256_tag(hex), "sha256:" + hex);
  EXPECT_EQ(normalize_sha256_tag("sha256:" + hex.substr(1)), std::nullopt);
  EXPECT_EQ(normalize_sha256_tag("sha256:" + std::string(63, 'a') + "g"), std::nullopt);
}

}  // namespace
}  // namespace cryftee
