// bls_tls_signer_v1 through dispatch, the host ABI and the custody façade (memory custody behind it): the
// shared known-answer vectors sign to exactly the expected bytes, AvalancheGo's local signers give their
// keys and proofs of possession, and bad input answers JSON errors.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "crypto/bls.h"
#include "crypto/p256.h"
#include "crypto/sha256.h"
#include "custody_support.h"
#include "runtime/dispatch.h"
#include "runtime/engine/v8_engine.h"
#include "util/encoding.h"

namespace cryftee::runtime {
namespace {

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

class SignerTest : public ::testing::Test {
 protected:
  explicit SignerTest(SigningPolicy policy = {})
      : dispatcher_(engine::make_v8_engine(), 2, custody_, {}, policy) {}

  void SetUp() override {
    std::ifstream in(std::string(CRYFTEE_TEST_WASM_DIR) + "/bls_tls_signer_v1.wasm", std::ios::binary);
    record_.entry = parse_manifest_entry_stub();
    record_.computed_hash = "sha256:signer";
    record_.wasm = std::make_shared<const Bytes>(Bytes(std::istreambuf_iterator<char>(in), {}));
    record_.status.loaded = true;
    ASSERT_EQ(dispatcher_.engine_check()(record_), std::nullopt);
  }

  static ManifestEntry parse_manifest_entry_stub() {
    auto module_json = read_json(std::string(CRYFTEE_SOURCE_DIR) + "/modules/bls_tls_signer_v1/module.json");
    ManifestEntry entry;
    entry.id = module_json["id"];
    entry.version = module_json["version"];
    entry.imports = module_json["imports"].get<std::vector<std::string>>();
    entry.limits.memory_pages = module_json["limits"]["memoryPages"];
    entry.limits.deadline_ms = module_json["limits"]["deadlineMs"];
    entry.signature = "test";
    return entry;
  }

  nlohmann::json call(const std::string& op, const nlohmann::json& request) { return dispatcher_.call(record_, op, request).json(); }

  int error_status(const std::string& op, const nlohmann::json& request) {
    try {
      call(op, request);
    } catch (const Error& error) {
      return error.status();
    }
    return 200;
  }

  std::string import_secret(const std::string& secret_hex) {
    Bytes secret = *hex_decode(secret_hex);
    return custody_.bls_import(secret).handle;
  }

  // The error a refused call throws ("" when it is not refused).
  std::string refusal(const std::string& op, const nlohmann::json& request) {
    try {
      call(op, request);
    } catch (const Error& error) {
      return std::to_string(error.status()) + " " + error.code() + ": " + error.what();
    }
    return "";
  }

  Custody custody_{testing::memory_only_custody()};
  Dispatcher dispatcher_;
  ModuleRecord record_;
};

// --bls-policy open: any message with either DST, which the known-answer vectors need.
class OpenPolicySignerTest : public SignerTest {
 protected:
  OpenPolicySignerTest() : SignerTest(SigningPolicy{BlsPolicy::Open, std::nullopt}) {}
};

// --bls-policy avalanche --bls-warp-network-id 12345.
class WarpPolicySignerTest : public SignerTest {
 protected:
  static constexpr std::uint32_t kNetwork = 12345;
  WarpPolicySignerTest() : SignerTest(SigningPolicy{BlsPolicy::Avalanche, kNetwork}) {}
};

// A warp unsigned message: codec version 0, network ID, source chain ID, then the length-prefixed payload.
Bytes warp_message(std::uint32_t network, const Bytes& payload) {
  Bytes out = {0, 0};
  for (int shift : {24, 16, 8, 0}) out.push_back(static_cast<std::uint8_t>(network >> shift));
  out.insert(out.end(), 32, 0xC4);
  const auto length = static_cast<std::uint32_t>(payload.size());
  for (int shift : {24, 16, 8, 0}) out.push_back(static_cast<std::uint8_t>(length >> shift));
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

TEST_F(OpenPolicySignerTest, EveryBlsVectorSignsToTheExpectedBytesInBothDialects) {
  auto vectors = read_json(std::string(CRYFTEE_VECTORS_DIR) + "/bls-min-pk.json");
  ASSERT_FALSE(vectors["cases"].empty());
  for (const auto& c : vectors["cases"]) {
    const std::string handle = import_secret(c["secretKey"]);
    const std::string message_b64 = base64_encode(*hex_decode(c["message"].get<std::string>()));
    auto by_handle = call("bls_sign", {{"keyHandle", handle}, {"message", message_b64}, {"dst", c["dst"]}});
    EXPECT_EQ(by_handle["signature"], "0x" + c["signature"].get<std::string>()) << c.dump();
    EXPECT_EQ(*base64_decode(by_handle["signatureB64"].get<std::string>()), *hex_decode(c["signature"].get<std::string>()));
    auto by_pubkey = call("bls_sign", {{"pubkey", "0x" + c["publicKey"].get<std::string>()}, {"data", message_b64},
                                       {"type", "raw"}, {"dst", c["dst"]}});
    EXPECT_EQ(by_pubkey["signature"], by_handle["signature"]);
  }
}

// Issue #12: "dst": "pop" signed any bytes, so any client could get a proof of possession for a rogue key.
TEST_F(SignerTest, DefaultPolicySignsThePopDstOnlyOverTheOwnKeyOrASignedIp) {
  const auto registered = call("bls_register", {{"mode", "generate"}});
  const std::string handle = registered["keyHandle"];
  const Bytes own_key = *hex_decode(registered["pubkey"].get<std::string>());
  auto pop_sign = [&](const Bytes& message, const nlohmann::json& extra = nlohmann::json::object()) {
    nlohmann::json request = {{"keyHandle", handle}, {"message", base64_encode(message)}, {"dst", "pop"}};
    request.update(extra);
    return request;
  };

  // Its own public key: the proof of possession register answers.
  EXPECT_EQ(call("bls_sign", pop_sign(own_key))["signature"], registered["proofOfPossession"]);
  // A signed-IP payload: 16-byte IP, 2-byte port, 8-byte timestamp.
  const Bytes signed_ip(26, 0x7F);
  const auto ip = call("bls_sign", pop_sign(signed_ip));
  EXPECT_TRUE(bls::verify(own_key, signed_ip, *hex_decode(ip["signature"].get<std::string>()), bls::Dst::ProofOfPossession));

  // Another key's public key (the rogue-key attack), other sizes, and a client's own "hostContext".
  const bls::PublicKey other = bls::SecretKey::generate().public_key();
  for (const Bytes& message : {Bytes(other.begin(), other.end()), Bytes(25, 1), Bytes(27, 1), Bytes()}) {
    const std::string refused = refusal("bls_sign", pop_sign(message));
    EXPECT_EQ(refused.rfind("403 policy_refused: rule avalanche.pop", 0), 0u) << refused;
  }
  const Bytes rogue(other.begin(), other.end());
  EXPECT_NE(refusal("bls_sign", pop_sign(rogue, {{"hostContext", {{"blsPolicy", "open"}}}})), "");

  // The signature DST still signs any message when no warp network is configured.
  const auto ordinary = call("bls_sign", {{"keyHandle", handle}, {"message", base64_encode(rogue)}});
  EXPECT_TRUE(bls::verify(own_key, rogue, *hex_decode(ordinary["signature"].get<std::string>()), bls::Dst::Signature));
}

TEST_F(OpenPolicySignerTest, OpenPolicySignsAnyMessageWithTheProofOfPossessionDst) {
  const std::string handle = call("bls_register", {{"mode", "generate"}})["keyHandle"];
  EXPECT_EQ(refusal("bls_sign", {{"keyHandle", handle}, {"message", base64_encode(Bytes(48, 3))}, {"dst", "pop"}}), "");
}

TEST_F(WarpPolicySignerTest, TheSignatureDstSignsOnlyWarpMessagesOfTheConfiguredNetwork) {
  const std::string handle = call("bls_register", {{"mode", "generate"}})["keyHandle"];
  auto sign = [&](const Bytes& message) {
    return refusal("bls_sign", {{"keyHandle", handle}, {"message", base64_encode(message)}});
  };
  EXPECT_EQ(sign(warp_message(kNetwork, Bytes(100, 9))), "");
  EXPECT_EQ(sign(warp_message(kNetwork, Bytes())), "");
  Bytes trailing = warp_message(kNetwork, Bytes(10, 9));
  trailing.push_back(0);
  Bytes codec = warp_message(kNetwork, Bytes(10, 9));
  codec[1] = 1;
  for (const Bytes& message : {warp_message(kNetwork + 1, Bytes(10, 9)), trailing, codec, Bytes(41, 0),
                               Bytes(as_bytes("warp message").begin(), as_bytes("warp message").end())}) {
    const std::string refused = sign(message);
    EXPECT_EQ(refused.rfind("403 policy_refused: rule avalanche.warp", 0), 0u) << refused;
  }
}

TEST_F(SignerTest, AvalancheLocalSignersGiveTheirPublicKeysAndProofs) {
  auto vectors = read_json(std::string(CRYFTEE_VECTORS_DIR) + "/avalanche-local.json");
  for (const auto& signer : vectors["signers"]) {
    const std::string handle = import_secret(signer["secretKeyHex"]);
    auto registered = call("bls_register", {{"mode", "ephemeral"}, {"keyHandle", handle}});
    EXPECT_EQ(registered["pubkey"], signer["publicKey"]);
    EXPECT_EQ(registered["proofOfPossession"], signer["proofOfPossession"]);
    auto verified = call("bls_register", {{"mode", "verify"}, {"publicKey", registered["blsPubKeyB64"]}});
    EXPECT_EQ(verified["keyHandle"], handle);
  }
}

TEST_F(SignerTest, GenerateSignVerifyLikeCryftgo) {
  auto generated = call("bls_register", {{"key_type", "BLS"}, {"mode", "generate"}, {"purpose", "validator"}});
  Bytes public_key = *hex_decode(generated["pubkey"].get<std::string>());
  ASSERT_EQ(public_key.size(), 48u);
  EXPECT_TRUE(bls::verify(public_key, public_key, *hex_decode(generated["proofOfPossession"].get<std::string>()),
                          bls::Dst::ProofOfPossession));
  const std::string message = "warp message";
  auto signed_ = call("bls_sign", {{"pubkey", generated["pubkey"]}, {"data", base64_encode(as_bytes(message))}});
  EXPECT_TRUE(bls::verify(public_key, as_bytes(message), *hex_decode(signed_["signature"].get<std::string>()),
                          bls::Dst::Signature));
  auto verified = call("bls_register", {{"mode", "verify"}, {"publicKey", generated["pubkey"]}});
  EXPECT_EQ(verified["keyHandle"], generated["keyHandle"]);
}

TEST_F(SignerTest, TlsRegisterAndSignVerifyAgainstTheCertificateKey) {
  auto registered = call("tls_register", {{"key_type", "SECP256K1"}});
  EXPECT_NE(registered["certChainPEM"].get<std::string>().find("BEGIN CERTIFICATE"), std::string::npos);
  EXPECT_EQ(registered["certificate"], registered["certChainPEM"]);
  EXPECT_EQ(registered["node_id"].get<std::string>().rfind("NodeID-", 0), 0u);
  Bytes public_key = *hex_decode(registered["pubkey"].get<std::string>());
  const std::string data = "tls handshake";
  auto by_data = call("tls_sign", {{"pubkey", registered["pubkey"]}, {"data", base64_encode(as_bytes(data))}});
  const Sha256Digest digest = sha256(as_bytes(data));
  EXPECT_TRUE(p256::verify_digest(public_key, digest, *hex_decode(by_data["signature"].get<std::string>())));
  auto by_digest = call("tls_sign", {{"keyHandle", registered["keyHandle"]}, {"digest", base64_encode(digest)},
                                     {"algorithm", "ECDSA_P256_SHA256"}});
  EXPECT_TRUE(p256::verify_digest(public_key, digest, *base64_decode(by_digest["signatureB64"].get<std::string>())));
}

TEST_F(SignerTest, BadInputAnswersJsonErrors) {
  const std::string handle = call("bls_register", {{"mode", "generate"}})["keyHandle"];
  EXPECT_EQ(error_status("bls_register", nlohmann::json::object()), 400);
  EXPECT_EQ(error_status("bls_register", {{"mode", "sideways"}}), 400);
  EXPECT_EQ(error_status("bls_register", {{"mode", "verify"}, {"publicKey", "0x1234"}}), 400);
  EXPECT_EQ(error_status("bls_register", {{"mode", "verify"}, {"publicKey", "0x" + std::string(96, 'a')}}), 404);
  // Without Web3Signer, persistent is refused (422); import without a keystore names what is missing.
  EXPECT_EQ(error_status("bls_register", {{"mode", "persistent"}}), 422);
  EXPECT_EQ(error_status("bls_register", {{"mode", "import"}}), 400);
  EXPECT_EQ(error_status("bls_sign", {{"keyHandle", handle}}), 400);
  EXPECT_EQ(error_status("bls_sign", {{"keyHandle", handle}, {"message", "***"}}), 400);
  EXPECT_EQ(error_status("bls_sign", {{"keyHandle", handle}, {"message", "AA=="}, {"dst", "other"}}), 400);
  EXPECT_EQ(error_status("bls_sign", {{"keyHandle", "bls-unknown"}, {"message", "AA=="}}), 404);
  EXPECT_EQ(error_status("bls_sign", {{"message", "AA=="}}), 400);
  EXPECT_EQ(error_status("bls_sign", {{"keyHandle", handle}, {"message", base64_encode(Bytes(70000, 1))}}), 413);
  EXPECT_EQ(error_status("tls_sign", {{"keyHandle", "tls-unknown"}, {"digest", base64_encode(Bytes(32, 1))}}), 404);
  const std::string tls = call("tls_register", nlohmann::json::object())["keyHandle"];
  EXPECT_EQ(error_status("tls_sign", {{"keyHandle", tls}, {"digest", base64_encode(Bytes(31, 1))}}), 400);
  EXPECT_EQ(error_status("tls_sign", {{"keyHandle", tls}, {"digest", base64_encode(Bytes(32, 1))}, {"algorithm", "RSA"}}), 422);
  // The module is still healthy after all of that.
  EXPECT_TRUE(dispatcher_.health().at("bls_tls_signer_v1").healthy);
}

}  // namespace
}  // namespace cryftee::runtime
