// The custody façade (custody/custody.h): which backend answers for a handle, and the refusals decided
// there. Web3Signer is the stand-in (tests/web3signer/standin.mjs: keystores decrypted by node's crypto,
// signatures made by @noble/curves); every signature is checked with blst against the key it names.
#include "custody/custody.h"

#include <gtest/gtest.h>

#include "crypto/eip2335.h"
#include "crypto/node_id.h"
#include "custody/key_handle.h"
#include "custody_support.h"
#include "key_test_support.h"
#include "util/encoding.h"
#include "web3signer_standin.h"

namespace cryftee {
namespace {

using namespace std::chrono_literals;
using testing::hex;
using testing::load_vectors;
using testing::memory_only_custody;
using testing::randao_request;
using testing::StandIn;

constexpr char kKeystorePassword[] = "keystore p\xC3\xA4ssword";

Bytes to_bytes(ByteView bytes) { return Bytes(bytes.begin(), bytes.end()); }

// Web3Signer enabled at `url`, with cheap keystore costs so the tests run quickly.
CustodySetup with_web3signer(const std::string& url, bool keep_in_memory = false) {
  CustodySetup setup = memory_only_custody();
  setup.web3signer.enabled = true;
  setup.web3signer.urls = {url};
  setup.web3signer.keystore_password = kKeystorePassword;
  setup.web3signer.keep_in_memory = keep_in_memory;
  setup.web3signer.connect_timeout = 500ms;
  setup.web3signer.request_timeout = 5s;
  setup.web3signer.max_attempts = 1;
  setup.keystore.scrypt_n = 1 << 12;
  return setup;
}

bool signs_randao(const bls::PublicKey& public_key, const bls::Signature& signature) {
  return bls::verify(public_key, hex(testing::kRandaoSigningRoot), signature, bls::Dst::Signature);
}

// Puts a key into the stand-in the way an operator would, through the Keymanager API.
void import_into_web3signer(const std::string& url, const bls::SecretKey& secret) {
  Web3SignerSettings settings;
  settings.enabled = true;
  settings.urls = {url};
  Web3SignerClient client(settings);
  Eip2335Options cheap;
  cheap.scrypt_n = 1 << 12;
  Bytes bytes = secret.to_bytes();
  const std::string keystore = eip2335_encrypt(bytes, secret.public_key(), "pw", cheap).dump();
  secure_zero(bytes);
  ASSERT_EQ(client.import_keystores({{keystore, "pw"}}).at(0).status, "imported");
}

TEST(Custody, KeysHeldHereSignTheVectorsThroughTheFacade) {
  Custody custody(memory_only_custody());
  const auto vectors = load_vectors("bls-min-pk.json");
  ASSERT_FALSE(vectors["cases"].empty());
  for (const auto& vector : vectors["cases"]) {
    Bytes secret = hex(vector["secretKey"]);
    const BlsKeyInfo info = custody.bls_import(secret);
    secure_zero(secret);
    EXPECT_EQ(custody.locate(info.handle), BlsHome::Memory);
    EXPECT_EQ(to_bytes(custody.public_key(info.handle)), hex(vector["publicKey"]));
    const auto dst = *bls::parse_dst_name(vector["dst"].get<std::string>());
    EXPECT_EQ(to_bytes(custody.sign_raw(info.handle, hex(vector["message"]), dst)), hex(vector["signature"]));
  }
}

TEST(Custody, WithoutWeb3SignerItsCallsAre422AndLocalKeysWork) {
  Custody custody(memory_only_custody());
  EXPECT_FALSE(custody.web3signer_enabled());
  const BlsKeyInfo key = custody.bls_generate();
  const auto proof = custody.proof_of_possession(key.handle);
  ASSERT_TRUE(proof);
  EXPECT_TRUE(bls::verify(key.public_key, key.public_key, *proof, bls::Dst::ProofOfPossession));
  EXPECT_TRUE(bls::verify(key.public_key, as_bytes("m"), custody.sign_raw(key.handle, as_bytes("m"), bls::Dst::Signature),
                          bls::Dst::Signature));

  EXPECT_CRYFTEE_ERROR(custody.persist(), 422, "web3signer_not_configured");
  EXPECT_CRYFTEE_ERROR(custody.sign_typed(key.handle, randao_request()), 422, "web3signer_not_configured");
  EXPECT_CRYFTEE_ERROR(custody.web3signer_list(), 422, "web3signer_not_configured");
  EXPECT_CRYFTEE_ERROR(custody.web3signer_remove({"0x" + hex_encode(key.public_key)}), 422, "web3signer_not_configured");
  EXPECT_EQ(custody.web3signer_find(key.public_key).outcome, Web3SignerLookup::Outcome::NotEnabled);
  EXPECT_FALSE(custody.web3signer_health());
  EXPECT_TRUE(custody.web3signer_keys().empty());

  const nlohmann::json facts = custody.key_facts(key.handle);
  EXPECT_EQ(facts["custody"], "memory");
  EXPECT_EQ(facts["durable"], false);
  EXPECT_EQ(facts["web3signerCopy"], false);
}

TEST(Custody, UnknownHandlesAre404AndNothingChanges) {
  Custody custody(memory_only_custody());
  const std::string unknown = "bls-" + std::string(32, '0');
  EXPECT_EQ(custody.locate(unknown), BlsHome::Unknown);
  EXPECT_CRYFTEE_ERROR(custody.public_key(unknown), 404, "key_not_found");
  EXPECT_CRYFTEE_ERROR(custody.proof_of_possession(unknown), 404, "key_not_found");
  EXPECT_CRYFTEE_ERROR(custody.sign_raw(unknown, as_bytes("m"), bls::Dst::Signature), 404, "key_not_found");
  EXPECT_CRYFTEE_ERROR(custody.tls_sign("tls-" + std::string(32, '0'), Bytes(32, 1)), 404, "key_not_found");
  // A TLS handle is no BLS key.
  const TlsKeyInfo tls = custody.tls_generate();
  EXPECT_EQ(custody.locate(tls.handle), BlsHome::Unknown);
  EXPECT_CRYFTEE_ERROR(custody.sign_raw(tls.handle, as_bytes("m"), bls::Dst::Signature), 404, "key_not_found");
  EXPECT_CRYFTEE_ERROR(custody.bls_find(Bytes(47, 1)), 400, "invalid_bls_public_key");
  EXPECT_TRUE(custody.bls_keys().empty());
}

TEST(Custody, TlsKeysAreFoundByPublicKeyOrNodeId) {
  Custody custody(memory_only_custody());
  const TlsKeyInfo key = custody.tls_generate();
  ASSERT_TRUE(key.node_id.starts_with(kNodeIdPrefix));
  const auto by_node_id = custody.tls_find(as_bytes(key.node_id));
  ASSERT_TRUE(by_node_id);
  EXPECT_EQ(by_node_id->handle, key.handle);
  const auto by_key = custody.tls_find(key.public_key);
  ASSERT_TRUE(by_key);
  EXPECT_EQ(by_key->handle, key.handle);
  EXPECT_FALSE(custody.tls_find(as_bytes("NodeID-111111111111111111116DBWJs")));
  const Bytes digest(32, 7);
  EXPECT_TRUE(p256::verify_digest(key.public_key, digest, custody.tls_sign(key.handle, digest)));
}

TEST(Custody, APersistedKeyLivesInWeb3SignerAndSignsTypedRequestsOnly) {
  StandIn standin;
  Custody custody(with_web3signer(standin.url()));
  ASSERT_TRUE(custody.web3signer_enabled());
  const BlsKeyInfo key = custody.persist();
  EXPECT_EQ(key.handle, bls_handle_for(key.public_key));
  EXPECT_TRUE(bls::verify(key.public_key, key.public_key, key.proof_of_possession, bls::Dst::ProofOfPossession));
  EXPECT_EQ(standin.control()["keys"], nlohmann::json::array({"0x" + hex_encode(key.public_key)}));

  // No key store and no --web3signer-keep-in-memory: only Web3Signer holds the secret.
  EXPECT_EQ(custody.locate(key.handle), BlsHome::Web3Signer);
  EXPECT_FALSE(custody.bls_find(key.public_key));
  EXPECT_EQ(custody.public_key(key.handle), key.public_key);
  EXPECT_EQ(custody.proof_of_possession(key.handle), key.proof_of_possession);
  EXPECT_CRYFTEE_ERROR(custody.sign_raw(key.handle, as_bytes("m"), bls::Dst::Signature), 422, "web3signer_cannot_sign_raw");
  EXPECT_EQ(standin.requests("POST /api/v1/eth2/sign/{identifier}"), 0);  // refused before anything was sent
  EXPECT_TRUE(signs_randao(key.public_key, custody.sign_typed(key.handle, randao_request())));

  const nlohmann::json facts = custody.key_facts(key.handle);
  EXPECT_EQ(facts["custody"], "web3signer");
  EXPECT_EQ(facts["web3signerCopy"], true);
  ASSERT_EQ(custody.web3signer_keys().size(), 1u);
  EXPECT_EQ(custody.web3signer_keys()[0].handle, key.handle);
}

TEST(Custody, AKeptCopySignsRawMessagesHereAndTypedOnesInWeb3Signer) {
  StandIn standin;
  Custody custody(with_web3signer(standin.url(), /*keep_in_memory=*/true));
  const BlsKeyInfo key = custody.persist();
  EXPECT_EQ(custody.locate(key.handle), BlsHome::Memory);
  EXPECT_TRUE(bls::verify(key.public_key, as_bytes("raw"), custody.sign_raw(key.handle, as_bytes("raw"), bls::Dst::Signature),
                          bls::Dst::Signature));
  EXPECT_TRUE(signs_randao(key.public_key, custody.sign_typed(key.handle, randao_request())));
  EXPECT_EQ(custody.key_facts(key.handle)["custody"], "memory");
}

TEST(Custody, TypedRequestsForKeysOnlyHeldHereAre422) {
  StandIn standin;
  Custody custody(with_web3signer(standin.url()));
  const BlsKeyInfo key = custody.bls_generate();
  EXPECT_CRYFTEE_ERROR(custody.sign_typed(key.handle, randao_request()), 422, "typed_request_needs_web3signer");
  EXPECT_CRYFTEE_ERROR(custody.sign_typed("bls-" + std::string(32, '0'), randao_request()), 404, "key_not_found");
}

TEST(Custody, AKeyHeldHereIsAskedForInWeb3SignerBeforeATypedRequestIsRefused) {
  StandIn standin;
  const bls::SecretKey secret = bls::SecretKey::generate();
  import_into_web3signer(standin.url(), secret);
  Custody custody(with_web3signer(standin.url()));
  Bytes bytes = secret.to_bytes();
  const BlsKeyInfo key = custody.bls_import(bytes);
  secure_zero(bytes);
  EXPECT_EQ(custody.locate(key.handle), BlsHome::Memory);
  EXPECT_TRUE(signs_randao(key.public_key, custody.sign_typed(key.handle, randao_request())));
}

TEST(Custody, Web3SignerLookupsSayHeldNotHeldOrUnreachable) {
  StandIn standin;
  BlsKeyInfo persisted;
  {
    Custody before_restart(with_web3signer(standin.url()));
    persisted = before_restart.persist();
  }
  Custody custody(with_web3signer(standin.url()));
  EXPECT_EQ(custody.locate(persisted.handle), BlsHome::Unknown);  // this run has not seen it yet
  const Web3SignerLookup found = custody.web3signer_find(persisted.public_key);
  EXPECT_EQ(found.outcome, Web3SignerLookup::Outcome::Held);
  EXPECT_EQ(found.handle, persisted.handle);
  EXPECT_EQ(custody.locate(persisted.handle), BlsHome::Web3Signer);
  EXPECT_EQ(custody.public_key(persisted.handle), persisted.public_key);
  // Web3Signer cannot make a proof of possession, and this run did not make one.
  EXPECT_EQ(custody.proof_of_possession(persisted.handle), std::nullopt);

  EXPECT_EQ(custody.web3signer_find(bls::SecretKey::generate().public_key()).outcome, Web3SignerLookup::Outcome::NotHeld);
  EXPECT_CRYFTEE_ERROR(custody.web3signer_find(Bytes(47, 1)), 400, "invalid_bls_public_key");

  const Web3SignerDeletion deletion = custody.web3signer_remove({"0x" + hex_encode(persisted.public_key)});
  ASSERT_EQ(deletion.statuses.size(), 1u);
  EXPECT_EQ(deletion.statuses[0].status, "deleted");
  EXPECT_EQ(custody.locate(persisted.handle), BlsHome::Unknown);
  EXPECT_CRYFTEE_ERROR(custody.sign_typed(persisted.handle, randao_request()), 404, "key_not_found");

  standin.control({{"down", true}});
  EXPECT_CRYFTEE_ERROR(custody.web3signer_find(persisted.public_key), 503, "web3signer_unreachable");
  EXPECT_CRYFTEE_ERROR(custody.persist(), 503, "web3signer_unreachable");
}

TEST(Custody, PersistWithoutAKeystorePasswordIs422AndLeavesNothing) {
  StandIn standin;
  CustodySetup setup = with_web3signer(standin.url());
  setup.web3signer.keystore_password.reset();
  Custody custody(std::move(setup));
  EXPECT_CRYFTEE_ERROR(custody.persist(), 422, "keystore_password_missing");
  EXPECT_TRUE(standin.control()["keys"].empty());
}

}  // namespace
}  // namespace cryftee
