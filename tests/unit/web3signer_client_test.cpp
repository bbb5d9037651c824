// The Web3Signer client against the stand-in (tests/web3signer/standin.mjs, node + @noble/curves): keystores
// Cryftee encrypts are decrypted by node's crypto, signatures noble makes verify with blst.
#include "custody/web3signer_client.h"

#include <gtest/gtest.h>
#include <openssl/rand.h>

#include <blst.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <thread>

#include "crypto/eip2335.h"
#include "custody/web3signer_health.h"
#include "custody/web3signer_transport.h"
#include "util/encoding.h"
#include "util/error.h"
#include "web3signer_standin.h"

namespace cryftee {
namespace {

using namespace std::chrono_literals;
using testing::kRandaoSigningRoot;
using testing::randao_request;
using testing::StandIn;

constexpr char kSignatureDst[] = "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";

struct BlsKey {
  Bytes secret;  // 32 bytes big-endian
  Bytes public_key;
  ~BlsKey() { secure_zero(secret); }
};

BlsKey random_bls_key() {
  Bytes ikm(32);
  RAND_bytes(ikm.data(), 32);
  blst_scalar scalar;
  blst_keygen(&scalar, ikm.data(), ikm.size(), nullptr, 0);
  BlsKey key;
  key.secret.resize(32);
  blst_bendian_from_scalar(key.secret.data(), &scalar);
  blst_p1 point;
  blst_sk_to_pk_in_g1(&point, &scalar);
  key.public_key.resize(48);
  blst_p1_compress(key.public_key.data(), &point);
  secure_zero(&scalar, sizeof scalar);
  secure_zero(ikm);
  return key;
}

bool blst_verifies(ByteView public_key, ByteView message, ByteView signature) {
  blst_p1_affine pk;
  blst_p2_affine sig;
  if (blst_p1_uncompress(&pk, public_key.data()) != BLST_SUCCESS) return false;
  if (blst_p2_uncompress(&sig, signature.data()) != BLST_SUCCESS) return false;
  return blst_core_verify_pk_in_g1(&pk, &sig, true, message.data(), message.size(),
                                   reinterpret_cast<const byte*>(kSignatureDst), sizeof kSignatureDst - 1, nullptr,
                                   0) == BLST_SUCCESS;
}

std::string keystore_for(const BlsKey& key, const std::string& password) {
  Eip2335Options options;
  options.scrypt_n = 1 << 12;
  options.path = "m/12381/3600/0/0/0";
  return eip2335_encrypt(key.secret, key.public_key, password, options).dump();
}

Web3SignerSettings settings_for(std::vector<std::string> urls) {
  Web3SignerSettings settings;
  settings.enabled = true;
  settings.urls = std::move(urls);
  settings.connect_timeout = 500ms;
  settings.request_timeout = 2s;
  settings.retry_backoff = 10ms;
  return settings;
}

Error error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& error) {
    return error;
  }
  return Error(0, "none", "no error was thrown");
}

std::string closed_port_url() {
  StandIn gone;
  return gone.url();  // the stand-in exits with this object, so nothing listens there afterwards
}

template <typename Predicate>
bool eventually(Predicate predicate, std::chrono::milliseconds limit = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (predicate()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return predicate();
}

TEST(Web3SignerPubkey, AcceptsHexAndBase64AndRejectsOtherSizes) {
  const Bytes key(48, 0xAB);
  const std::string expected = "0x" + hex_encode(key);
  EXPECT_EQ(web3signer_pubkey(hex_encode(key)), expected);
  EXPECT_EQ(web3signer_pubkey("0X" + hex_encode(key)), expected);
  EXPECT_EQ(web3signer_pubkey(base64_encode(key)), expected);
  EXPECT_EQ(error_of([] { web3signer_pubkey("0xabcd"); }).code(), "invalid_public_key");
}

TEST(Web3SignerUrl, RedactsUserInfoOnly) {
  EXPECT_EQ(redact_url("https://user:secret@signer:9000/path"), "https://signer:9000/path");
  EXPECT_EQ(redact_url("http://127.0.0.1:9000"), "http://127.0.0.1:9000");
  EXPECT_EQ(redact_url("http://signer:9000/a@b"), "http://signer:9000/a@b");
}

TEST(Web3SignerClient, RejectsMissingOrNonHttpUrls) {
  EXPECT_EQ(error_of([] { Web3SignerClient client(settings_for({})); }).code(), "web3signer_misconfigured");
  EXPECT_EQ(error_of([] { Web3SignerClient client(settings_for({"ftp://x"})); }).code(), "web3signer_misconfigured");
}

TEST(Web3SignerClient, StatusCallsAnswer) {
  StandIn standin;
  Web3SignerClient client(settings_for({standin.url() + "/"}));
  EXPECT_NO_THROW(client.upcheck());
  const auto health = client.healthcheck();
  EXPECT_TRUE(health.healthy);
  EXPECT_EQ(health.outcome, "UP");
  EXPECT_TRUE(client.public_keys().empty());
}

TEST(Web3SignerClient, ImportsOurKeystoreAndTheStandInDerivesTheSameKey) {
  StandIn standin;
  Web3SignerClient client(settings_for({standin.url()}));
  const BlsKey key = random_bls_key();
  const std::string pubkey = "0x" + hex_encode(key.public_key);

  auto statuses = client.import_keystores({{keystore_for(key, "p\xC3\xA4ssw\xC3\xB6rd"), "p\xC3\xA4ssw\xC3\xB6rd"}});
  ASSERT_EQ(statuses.size(), 1u);
  EXPECT_EQ(statuses[0].status, "imported") << statuses[0].message;
  EXPECT_EQ(client.public_keys(), std::vector<std::string>{pubkey});
  const auto listed = client.list_keystores();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].validating_pubkey, pubkey);
  EXPECT_EQ(listed[0].derivation_path, "m/12381/3600/0/0/0");
  EXPECT_FALSE(listed[0].readonly);

  const BlsKey other = random_bls_key();
  statuses = client.import_keystores({{keystore_for(key, "pw"), "pw"}, {keystore_for(other, "right"), "wrong"}});
  ASSERT_EQ(statuses.size(), 2u);
  EXPECT_EQ(statuses[0].status, "duplicate");
  EXPECT_EQ(statuses[1].status, "error");
  EXPECT_EQ(statuses[1].message.find("wrong"), std::string::npos);
  EXPECT_EQ(client.public_keys().size(), 1u);
}

TEST(Web3SignerClient, TheVectorKeystoreImportsUnderItsPublicKey) {
  StandIn standin;
  Web3SignerClient client(settings_for({standin.url()}));
  std::ifstream in(std::string(CRYFTEE_VECTORS_DIR) + "/eip2335.json");
  const auto vectors = nlohmann::json::parse(in);
  const auto statuses = client.import_keystores(
      {{vectors["keystores"]["pbkdf2"].dump(), vectors["password"].get<std::string>()}});
  EXPECT_EQ(statuses.at(0).status, "imported") << statuses.at(0).message;
  EXPECT_EQ(client.public_keys().at(0), "0x" + vectors["keystores"]["pbkdf2"]["pubkey"].get<std::string>());
}

TEST(Web3SignerClient, SignsTypedRequestsAndTheSignatureVerifiesWithBlst) {
  StandIn standin;
  Web3SignerClient client(settings_for({standin.url()}));
  const BlsKey key = random_bls_key();
  ASSERT_EQ(client.import_keystores({{keystore_for(key, "pw"), "pw"}}).at(0).status, "imported");

  const std::string signature = client.sign(base64_encode(key.public_key), randao_request());
  const Bytes signature_bytes = *hex_decode(signature);
  const Bytes root = *hex_decode(kRandaoSigningRoot);
  EXPECT_TRUE(blst_verifies(key.public_key, root, signature_bytes));
  Bytes other_root = root;
  other_root[0] ^= 1;
  EXPECT_FALSE(blst_verifies(key.public_key, other_root, signature_bytes));

  auto mismatched = randao_request();
  mismatched["signingRoot"] = "0x" + std::string(64, '0');
  EXPECT_EQ(error_of([&] { client.sign(hex_encode(key.public_key), mismatched); }).code(),
            "web3signer_rejected_request");
  EXPECT_EQ(error_of([&] { client.sign(hex_encode(key.public_key), nlohmann::json{{"no", "type"}}); }).code(),
            "invalid_signing_request");
}

TEST(Web3SignerClient, UnknownKeyIs404) {
  StandIn standin;
  Web3SignerClient client(settings_for({standin.url()}));
  const Error error = error_of([&] { client.sign(hex_encode(random_bls_key().public_key), randao_request()); });
  EXPECT_EQ(error.status(), 404);
  EXPECT_EQ(error.code(), "unknown_key");
}

TEST(Web3SignerClient, DeleteReportsDeletedNotActiveAndNotFound) {
  StandIn standin;
  Web3SignerClient client(settings_for({standin.url()}));
  const BlsKey key = random_bls_key();
  const BlsKey never = random_bls_key();
  ASSERT_EQ(client.import_keystores({{keystore_for(key, "pw"), "pw"}}).at(0).status, "imported");
  auto deletion = client.delete_keystores({hex_encode(key.public_key), hex_encode(never.public_key)});
  ASSERT_EQ(deletion.statuses.size(), 2u);
  EXPECT_EQ(deletion.statuses[0].status, "deleted");
  EXPECT_EQ(deletion.statuses[1].status, "not_found");
  EXPECT_NE(deletion.slashing_protection.find(hex_encode(key.public_key)), std::string::npos);
  EXPECT_TRUE(client.public_keys().empty());
  EXPECT_EQ(client.delete_keystores({hex_encode(key.public_key)}).statuses.at(0).status, "not_active");
  EXPECT_EQ(error_of([&] { client.sign(hex_encode(key.public_key), randao_request()); }).code(), "unknown_key");
}

TEST(Web3SignerClient, AStatusMessageThatIsNotTextIsIgnored) {
  StandIn standin;
  Web3SignerClient client(settings_for({standin.url()}));
  standin.control({{"oddMessages", true}});
  const BlsKey key = random_bls_key();
  const auto imported = client.import_keystores({{keystore_for(key, "pw"), "pw"}});
  EXPECT_EQ(imported.at(0).status, "imported");
  EXPECT_EQ(imported.at(0).message, "");
  const auto deleted = client.delete_keystores({hex_encode(key.public_key)});
  EXPECT_EQ(deleted.statuses.at(0).status, "deleted");
  EXPECT_EQ(deleted.statuses.at(0).message, "");
}

TEST(Web3SignerClient, SendsTheKeymanagerBearerTokenAndNeverShowsIt) {
  StandIn standin;
  const std::string token = "keymanager-token-5f2c";
  standin.control({{"authToken", token}});
  Web3SignerClient anonymous(settings_for({standin.url()}));
  const Error error = error_of([&] { anonymous.list_keystores(); });
  EXPECT_EQ(error.code(), "web3signer_unauthorized");
  auto settings = settings_for({standin.url()});
  settings.auth_token = "wrong-token-0000";
  Web3SignerClient wrong(settings);
  const Error wrong_error = error_of([&] { wrong.list_keystores(); });
  EXPECT_EQ(wrong_error.code(), "web3signer_unauthorized");
  EXPECT_EQ(std::string(wrong_error.what()).find("wrong-token-0000"), std::string::npos);
  settings.auth_token = token;
  Web3SignerClient authorised(settings);
  EXPECT_NO_THROW(authorised.list_keystores());
}

TEST(Web3SignerClient, DownIs503AndNamesTheUrl) {
  const std::string url = closed_port_url();
  Web3SignerClient client(settings_for({url}));
  const Error error = error_of([&] { client.upcheck(); });
  EXPECT_EQ(error.status(), 503);
  EXPECT_EQ(error.code(), "web3signer_unreachable");
  EXPECT_NE(std::string(error.what()).find(url), std::string::npos);
}

TEST(Web3SignerClient, RetriesIdempotentCallsBoundedly) {
  StandIn standin;
  Web3SignerClient client(settings_for({standin.url()}));
  standin.control({{"dropNext", 2}});
  EXPECT_NO_THROW(client.public_keys());
  EXPECT_EQ(standin.requests("GET /api/v1/eth2/publicKeys"), 3);

  standin.control({{"fail", true}});
  const Error error = error_of([&] { client.list_keystores(); });
  EXPECT_EQ(error.status(), 502);
  EXPECT_EQ(error.code(), "web3signer_bad_response");
  EXPECT_EQ(standin.requests("GET /eth/v1/keystores"), 3);  // kWeb3SignerMaxAttempts, then give up
}

TEST(Web3SignerClient, NeverRetriesASigningRequestOnceSent) {
  StandIn standin;
  Web3SignerClient client(settings_for({standin.url()}));
  const BlsKey key = random_bls_key();
  ASSERT_EQ(client.import_keystores({{keystore_for(key, "pw"), "pw"}}).at(0).status, "imported");
  const std::string route = "POST /api/v1/eth2/sign/{identifier}";
  standin.control({{"failNext", 1}});
  EXPECT_EQ(error_of([&] { client.sign(hex_encode(key.public_key), randao_request()); }).code(),
            "web3signer_bad_response");
  EXPECT_EQ(standin.requests(route), 1);

  // A fresh client, so the request goes out on a new connection: libcurl itself resends a request only
  // when a reused keep-alive connection turns out dead, which is not what is tested here.
  Web3SignerClient fresh(settings_for({standin.url()}));
  standin.control({{"dropNext", 1}});
  EXPECT_EQ(error_of([&] { fresh.sign(hex_encode(key.public_key), randao_request()); }).code(),
            "web3signer_unreachable");
  EXPECT_EQ(standin.requests(route), 2);
  EXPECT_NO_THROW(client.sign(hex_encode(key.public_key), randao_request()));
}

TEST(Web3SignerClient, FailsOverToTheNextUrlAndKeepsIt) {
  StandIn standin;
  Web3SignerClient client(settings_for({closed_port_url(), standin.url()}));
  EXPECT_NO_THROW(client.upcheck());
  EXPECT_EQ(client.preferred(), 1u);
}

TEST(Web3SignerClient, SlowAnswersTimeOutAs503) {
  StandIn standin;
  auto settings = settings_for({standin.url()});
  settings.request_timeout = 300ms;
  settings.max_attempts = 1;
  Web3SignerClient client(settings);
  standin.control({{"delayMs", 3000}});
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(error_of([&] { client.upcheck(); }).code(), "web3signer_unreachable");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
}

TEST(Web3SignerHealth, ReportsDownAndUpTransitionsWithoutRestart) {
  StandIn standin;
  Web3SignerClient client(settings_for({standin.url()}));
  Web3SignerHealthChecker checker(client, 100ms);
  ASSERT_TRUE(eventually([&] { return checker.snapshot().reachable; }));
  auto snapshot = checker.snapshot();
  EXPECT_TRUE(snapshot.healthy);
  EXPECT_TRUE(snapshot.last_error.empty());
  EXPECT_EQ(snapshot.url, standin.url());

  standin.control({{"down", true}});
  ASSERT_TRUE(eventually([&] { return !checker.snapshot().reachable; }));
  snapshot = checker.snapshot();
  EXPECT_NE(snapshot.last_error.find("could not be reached"), std::string::npos);
  EXPECT_FALSE(snapshot.healthy);
  EXPECT_TRUE(snapshot.checked_at.has_value());

  standin.control({{"down", false}});
  ASSERT_TRUE(eventually([&] { return checker.snapshot().reachable; }));
}

TEST(Web3SignerHealth, ReportsFailingServerAsUnreachable) {
  StandIn standin;
  Web3SignerClient client(settings_for({standin.url()}));
  Web3SignerHealthChecker checker(client, 100ms);
  ASSERT_TRUE(eventually([&] { return checker.snapshot().reachable; }));
  standin.control({{"fail", true}});
  ASSERT_TRUE(eventually([&] { return !checker.snapshot().reachable; }));
  EXPECT_NE(checker.snapshot().last_error.find("500"), std::string::npos);
}

TEST(Web3SignerHealth, SnapshotsStayFastWhileAProbeHangs) {
  StandIn standin;
  Web3SignerClient client(settings_for({standin.url()}));
  Web3SignerHealthChecker checker(client, 50ms);
  ASSERT_TRUE(eventually([&] { return checker.snapshot().reachable; }));
  standin.control({{"delayMs", 1500}});
  checker.check_now();
  std::this_thread::sleep_for(200ms);  // a probe is now waiting on the stand-in
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 100; ++i) (void)checker.snapshot();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 50ms);
  standin.control({{"delayMs", 0}});
}

}  // namespace
}  // namespace cryftee
