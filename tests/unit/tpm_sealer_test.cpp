// The TPM sealer against real software TPMs (swtpm, started fresh per test), checked where possible with
// tpm2-tools rather than with the sealer's own TPM code.
#include "key_store/tpm_sealer.h"

#include <gtest/gtest.h>
#include <openssl/rand.h>

#include <map>
#include <regex>

#include "crypto/aes_gcm.h"
#include "key_test_support.h"
#include "swtpm_harness.h"
#include "util/encoding.h"

namespace cryftee::key_store {
namespace {

using testing::error_from;
using testing::Swtpm;

Bytes random_secret(std::size_t size = 32) {
  Bytes secret(size);
  RAND_bytes(secret.data(), static_cast<int>(secret.size()));
  return secret;
}

// "tpm2_pcrread sha256:0,7" as {index: lower-case hex}.
std::map<std::string, std::string> pcrread(const Swtpm& swtpm, const std::string& indexes) {
  const std::string output = swtpm.tool("tpm2_pcrread", {"sha256:" + indexes});
  std::map<std::string, std::string> values;
  const std::regex line(R"(^\s*(\d+)\s*:\s*0x([0-9A-Fa-f]{64})\s*$)");
  std::istringstream lines(output);
  for (std::string text; std::getline(lines, text);) {
    std::smatch match;
    if (!std::regex_match(text, match, line)) continue;
    std::string value = match[2];
    for (char& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    values[match[1]] = value;
  }
  return values;
}

void extend_pcr(const Swtpm& swtpm, unsigned index) {
  swtpm.tool("tpm2_pcrextend", {std::to_string(index) + ":sha256=" + hex_encode(random_secret())});
}

TEST(TpmSealer, SealsAndUnsealsUnderTheSameLabel) {
  Swtpm swtpm;
  auto sealer = make_tpm_sealer({swtpm.tcti(), {}});
  EXPECT_EQ(sealer->kind(), "tpm");
  EXPECT_TRUE(sealer->durable());

  const Bytes secret = random_secret();
  const nlohmann::json sealed = sealer->seal(secret, "bls-handle-1");
  const std::string text = sealed.dump();
  EXPECT_EQ(text.find(hex_encode(secret)), std::string::npos);
  EXPECT_EQ(text.find(base64_encode(secret)), std::string::npos);
  EXPECT_EQ(sealed["format"], "tpm2-aes256gcm/1");
  EXPECT_TRUE(sealed["pcrs"].empty());

  EXPECT_EQ(sealer->unseal(nlohmann::json::parse(text), "bls-handle-1"), secret);
  // A new sealer on the same TPM, as after a restart, recreates the same storage key and opens it.
  auto after_restart = make_tpm_sealer({swtpm.tcti(), {}});
  EXPECT_EQ(after_restart->unseal(sealed, "bls-handle-1"), secret);
  // Secrets of other sizes: the TPM seals a data key, the secret is encrypted under it, so sizes beyond
  // the 128 bytes a TPM data object holds work too.
  for (std::size_t size : {1, 241, 4096}) {
    const Bytes other = random_secret(size);
    EXPECT_EQ(sealer->unseal(sealer->seal(other, "x"), "x"), other) << size;
  }
}

TEST(TpmSealer, NothingOnTheBusOpensTheBlob) {
  Swtpm swtpm;
  // The pcap TCTI records every command and response exchanged with the TPM.
  const std::filesystem::path capture = swtpm.state_dir() / "bus.pcap";
  setenv("TCTI_PCAP_FILE", capture.c_str(), 1);
  auto sealer = make_tpm_sealer({"pcap:" + swtpm.tcti(), {}});
  const Bytes secret = random_secret();
  const nlohmann::json sealed = sealer->seal(secret, "key");
  EXPECT_EQ(sealer->unseal(sealed, "key"), secret);
  unsetenv("TCTI_PCAP_FILE");

  std::ifstream in(capture, std::ios::binary);
  const Bytes traffic((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(traffic.size(), 1000u);
  // The data key went to the TPM and came back: were it in the clear, some 32 bytes of the traffic would
  // open the blob's ciphertext.
  const Bytes ciphertext = *base64_decode(sealed["ciphertext"].get<std::string>());
  for (std::size_t at = 0; at + aes_gcm::kKeySize <= traffic.size(); ++at) {
    ASSERT_FALSE(aes_gcm::open(ByteView(traffic).subspan(at, aes_gcm::kKeySize), ciphertext))
        << "the data key crossed the bus in the clear at byte " << at;
  }
  const std::string text = as_string(traffic);
  EXPECT_EQ(text.find(as_string(secret)), std::string::npos);
}

TEST(TpmSealer, RefusesTheBlobUnderAnotherLabel) {
  Swtpm swtpm;
  auto sealer = make_tpm_sealer({swtpm.tcti(), {}});
  const nlohmann::json sealed = sealer->seal(random_secret(), "bls-handle-1");
  const Error error = error_from([&] { sealer->unseal(sealed, "bls-handle-2"); });
  EXPECT_EQ(error.status(), 422);
  EXPECT_EQ(error.code(), "tpm_label_mismatch");
  EXPECT_NE(std::string(error.what()).find("another key"), std::string::npos) << error.what();
  // The refusals leave no lockout behind (noDA): the right label still opens it.
  for (int i = 0; i < 5; ++i) error_from([&] { sealer->unseal(sealed, "bls-handle-2"); });
  EXPECT_NO_THROW(sealer->unseal(sealed, "bls-handle-1"));
}

TEST(TpmSealer, AnotherTpmCannotUnseal) {
  Swtpm first;
  Swtpm second;
  const Bytes secret = random_secret();
  const nlohmann::json sealed = make_tpm_sealer({first.tcti(), {}})->seal(secret, "tls-handle");
  auto other = make_tpm_sealer({second.tcti(), {}});
  const Error error = error_from([&] { other->unseal(sealed, "tls-handle"); });
  EXPECT_EQ(error.status(), 422);
  EXPECT_EQ(error.code(), "tpm_sealed_elsewhere");
  EXPECT_NE(std::string(error.what()).find("sealed by another TPM"), std::string::npos) << error.what();
  EXPECT_NE(other->describe()["storageKey"], sealed["storageKey"]);

  // Even told the other TPM's storage key name, the second TPM cannot load the object.
  nlohmann::json disguised = sealed;
  disguised["storageKey"] = other->describe()["storageKey"];
  const Error load_error = error_from([&] { other->unseal(disguised, "tls-handle"); });
  EXPECT_EQ(load_error.code(), "sealed_blob_damaged") << load_error.what();
  EXPECT_EQ(make_tpm_sealer({first.tcti(), {}})->unseal(sealed, "tls-handle"), secret);
}

TEST(TpmSealer, AClearedTpmCannotUnseal) {
  Swtpm swtpm;
  const nlohmann::json sealed = make_tpm_sealer({swtpm.tcti(), {}})->seal(random_secret(), "key");
  // TPM2_Clear (lockout hierarchy, empty authorization) replaces the owner seed.
  swtpm.tool("tpm2_clear", {});
  auto after_clear = make_tpm_sealer({swtpm.tcti(), {}});
  const Error error = error_from([&] { after_clear->unseal(sealed, "key"); });
  EXPECT_EQ(error.code(), "tpm_sealed_elsewhere");
  EXPECT_NE(std::string(error.what()).find("owner hierarchy was cleared"), std::string::npos) << error.what();
}

TEST(TpmSealer, PcrPolicyRefusesAChangedPcr) {
  Swtpm swtpm;
  auto sealer = make_tpm_sealer({swtpm.tcti(), {7, 0}});
  const Bytes secret = random_secret();
  const nlohmann::json sealed = sealer->seal(secret, "bls-handle");
  const auto values = pcrread(swtpm, "0,7");
  ASSERT_EQ(sealed["pcrs"].size(), 2u);
  EXPECT_EQ(sealed["pcrs"][0]["index"], 0);
  EXPECT_EQ(sealed["pcrs"][0]["sha256"], values.at("0"));
  EXPECT_EQ(sealed["pcrs"][1]["index"], 7);
  EXPECT_EQ(sealed["pcrs"][1]["sha256"], values.at("7"));
  EXPECT_EQ(sealer->unseal(sealed, "bls-handle"), secret);

  extend_pcr(swtpm, 7);
  const Error error = error_from([&] { sealer->unseal(sealed, "bls-handle"); });
  EXPECT_EQ(error.status(), 422);
  EXPECT_EQ(error.code(), "tpm_pcrs_changed");
  const std::string message = error.what();
  EXPECT_NE(message.find("PCR 7 (SHA-256) changed since sealing"), std::string::npos) << message;
  EXPECT_NE(message.find(pcrread(swtpm, "7").at("7")), std::string::npos) << message;
  EXPECT_EQ(message.find("PCR 0 "), std::string::npos) << message;

  // A new seal binds to the new values.
  const nlohmann::json resealed = sealer->seal(secret, "bls-handle");
  EXPECT_EQ(sealer->unseal(resealed, "bls-handle"), secret);
}

TEST(TpmSealer, PcrPolicyIsTheTpmsNotTheBlobs) {
  Swtpm swtpm;
  auto sealer = make_tpm_sealer({swtpm.tcti(), {7}});
  const nlohmann::json sealed = sealer->seal(random_secret(), "bls-handle");
  extend_pcr(swtpm, 7);

  // Recording the new value in the blob does not help: the object's policy holds the old one.
  nlohmann::json rewritten = sealed;
  rewritten["pcrs"][0]["sha256"] = pcrread(swtpm, "7").at("7");
  EXPECT_CRYFTEE_ERROR(sealer->unseal(rewritten, "bls-handle"), 422, "sealed_blob_damaged");
  // Nor does dropping the PCR list.
  nlohmann::json without_pcrs = sealed;
  without_pcrs["pcrs"] = nlohmann::json::array();
  EXPECT_CRYFTEE_ERROR(sealer->unseal(without_pcrs, "bls-handle"), 422, "sealed_blob_damaged");
}

TEST(TpmSealer, RefusesADamagedBlob) {
  Swtpm swtpm;
  auto sealer = make_tpm_sealer({swtpm.tcti(), {}});
  const nlohmann::json sealed = sealer->seal(random_secret(), "key");

  auto with = [&](const char* field, const nlohmann::json& value) {
    nlohmann::json copy = sealed;
    copy[field] = value;
    return copy;
  };
  auto flipped = [&](const char* field, std::size_t from_end) {
    Bytes bytes = *base64_decode(sealed[field].get<std::string>());
    bytes[bytes.size() - from_end] ^= 0x01;
    return with(field, base64_encode(bytes));
  };
  auto truncated = [&](const char* field) {
    Bytes bytes = *base64_decode(sealed[field].get<std::string>());
    bytes.pop_back();
    return with(field, base64_encode(bytes));
  };

  const std::vector<nlohmann::json> damaged = {
      nlohmann::json("not an object"),
      with("format", "tpm2-sealed-object/0"),
      with("public", nullptr),
      with("private", "%%%"),
      truncated("private"),
      truncated("public"),
      flipped("private", 1),  // inside the encrypted sensitive area
      flipped("public", 1),   // the object's name no longer matches its private part
      with("storageKey", "zz"),
      with("pcrs", nlohmann::json::array({{{"index", 30}, {"sha256", std::string(64, '0')}}})),
      with("ciphertext", base64_encode(Bytes(27))),
      flipped("ciphertext", 1),  // the tag no longer matches
      flipped("ciphertext", 20),
  };
  for (const nlohmann::json& blob : damaged) {
    const Error error = error_from([&] { sealer->unseal(blob, "key"); });
    EXPECT_EQ(error.status(), 422) << blob.dump() << ": " << error.what();
    EXPECT_EQ(error.code(), "sealed_blob_damaged") << blob.dump() << ": " << error.what();
  }
}

TEST(TpmSealer, ReportsATpmThatDoesNotAnswer) {
  Swtpm swtpm;
  auto sealer = make_tpm_sealer({swtpm.tcti(), {}});
  const nlohmann::json sealed = sealer->seal(random_secret(), "key");
  swtpm.stop();

  const Error at_start = error_from([&] { make_tpm_sealer({swtpm.tcti(), {}}); });
  EXPECT_EQ(at_start.status(), 503);
  EXPECT_EQ(at_start.code(), "tpm_unavailable");
  EXPECT_NE(std::string(at_start.what()).find(swtpm.tcti()), std::string::npos) << at_start.what();
  EXPECT_CRYFTEE_ERROR(make_tpm_sealer({"device:/nonexistent/tpmrm0", {}}), 503, "tpm_unavailable");
  EXPECT_CRYFTEE_ERROR(make_tpm_sealer({"no-such-tcti", {}}), 503, "tpm_unavailable");

  EXPECT_CRYFTEE_ERROR(sealer->unseal(sealed, "key"), 503, "tpm_unavailable");
  EXPECT_CRYFTEE_ERROR(sealer->seal(random_secret(), "key"), 503, "tpm_unavailable");
  EXPECT_TRUE(sealer->describe().contains("error"));
}

TEST(TpmSealer, DescribesTctiPcrSelectionAndCurrentValues) {
  Swtpm swtpm;
  extend_pcr(swtpm, 7);
  auto sealer = make_tpm_sealer({swtpm.tcti(), {7, 0, 7}});
  nlohmann::json facts = sealer->describe();
  EXPECT_EQ(facts["tcti"], swtpm.tcti());
  EXPECT_EQ(facts["pcrBank"], "sha256");
  EXPECT_EQ(facts["pcrs"], nlohmann::json::array({0, 7}));
  const auto values = pcrread(swtpm, "0,7");
  EXPECT_EQ(facts["pcrValues"]["0"], values.at("0"));
  EXPECT_EQ(facts["pcrValues"]["7"], values.at("7"));
  EXPECT_EQ(facts["storageKey"], sealer->seal(random_secret(), "k")["storageKey"]);

  extend_pcr(swtpm, 7);
  EXPECT_EQ(sealer->describe()["pcrValues"]["7"], pcrread(swtpm, "7").at("7"));
}

TEST(TpmSealer, RefusesPcrsATpmDoesNotHave) {
  Swtpm swtpm;
  EXPECT_CRYFTEE_ERROR(make_tpm_sealer({swtpm.tcti(), {24}}), 400, "invalid_tpm_pcrs");
  EXPECT_NO_THROW(make_tpm_sealer({swtpm.tcti(), {23}}));
}

}  // namespace
}  // namespace cryftee::key_store
