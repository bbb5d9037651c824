// The key store's pure parts: records and their integrity, the passphrase sealer, crash-safe files, and
// DurableCustody writing keys and finding them again in a fresh process (a new MemoryCustody over the
// same folder), with signatures checked by the independent verifiers in crypto/.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "crypto/bls.h"
#include "crypto/p256.h"
#include "custody/durable_custody.h"
#include "custody/memory_custody.h"
#include "key_store/key_record.h"
#include "key_store/key_store.h"
#include "key_store/none_sealer.h"
#include "key_store/passphrase_sealer.h"
#include "key_store/record_files.h"
#include "key_test_support.h"
#include "util/encoding.h"

namespace cryftee::key_store {
namespace {

namespace fs = std::filesystem;

// Cheap scrypt so the tests run quickly; the daemon uses the default cost.
constexpr ScryptCost kTestCost{1u << 10, 8, 1};

std::unique_ptr<Sealer> sealer(std::string passphrase = "correct horse") {
  return make_passphrase_sealer(passphrase, kTestCost);
}

fs::path temp_dir() {
  char name[] = "/tmp/cryftee-key-store-XXXXXX";
  return fs::path(::mkdtemp(name));
}

mode_t mode_of(const fs::path& path) {
  struct stat info {};
  ::stat(path.c_str(), &info);
  return info.st_mode & 0777;
}

std::string read(const fs::path& path) { return read_file(path); }

KeyRecord sample_record() {
  KeyRecord record;
  record.kind = KeyKind::Bls;
  record.handle = "bls-" + std::string(32, 'a');
  record.public_key = "0x" + std::string(96, 'b');
  record.proof_of_possession = "0x" + std::string(192, 'c');
  record.created_at = "2026-11-30T20:00:00Z";
  record.origin = "generate";
  record.sealer = "passphrase";
  record.sealed = {{"format", "x"}};
  return record;
}

TEST(KeyRecord, RoundTripsAndDetectsAnyChange) {
  const std::string text = record_text(sample_record());
  const KeyRecord back = parse_record(text);
  EXPECT_EQ(back.handle, sample_record().handle);
  EXPECT_EQ(back.proof_of_possession, sample_record().proof_of_possession);

  std::string changed = text;
  changed[changed.find("generate")] = 'G';
  EXPECT_CRYFTEE_ERROR(parse_record(changed), 422, "damaged_record");
  EXPECT_CRYFTEE_ERROR(parse_record(text.substr(0, text.size() / 2)), 422, "damaged_record");
  EXPECT_CRYFTEE_ERROR(parse_record(""), 422, "damaged_record");
}

TEST(KeyRecord, OnlyHandleShapedNamesAreRecords) {
  EXPECT_TRUE(is_record_file_name("bls-" + std::string(32, '0') + ".json"));
  EXPECT_TRUE(is_record_file_name("tls-" + std::string(32, 'f') + ".json"));
  EXPECT_FALSE(is_record_file_name(".bls-" + std::string(32, '0') + ".json.tmp-1-2"));
  EXPECT_FALSE(is_record_file_name("bls_pubkey"));
  EXPECT_FALSE(is_record_file_name("cryftee_config.json"));
  EXPECT_FALSE(is_record_file_name("bls-" + std::string(32, 'G') + ".json"));
}

TEST(PassphraseSealer, OpensWhatItSealedOnlyUnderTheSameLabelAndPassphrase) {
  const Bytes secret = cryftee::testing::hex(std::string(64, '7'));
  auto first = sealer();
  const nlohmann::json blob = first->seal(secret, "bls-1");
  EXPECT_EQ(blob.dump().find(hex_encode(secret)), std::string::npos);
  EXPECT_EQ(first->unseal(blob, "bls-1"), secret);
  // Another sealer object with the same passphrase (a later start) opens it too.
  EXPECT_EQ(sealer()->unseal(blob, "bls-1"), secret);
  EXPECT_CRYFTEE_ERROR(first->unseal(blob, "bls-2"), 403, "wrong_seal_passphrase");
  EXPECT_CRYFTEE_ERROR(sealer("wrong")->unseal(blob, "bls-1"), 403, "wrong_seal_passphrase");
  nlohmann::json damaged = blob;
  damaged["nonce"] = "zz";
  EXPECT_CRYFTEE_ERROR(first->unseal(damaged, "bls-1"), 422, "damaged_record");
  damaged = blob;
  damaged["kdf"]["n"] = 1ull << 40;
  EXPECT_CRYFTEE_ERROR(first->unseal(damaged, "bls-1"), 422, "damaged_record");
}

TEST(PassphraseSealer, RefusesAnEmptyPassphraseAndZeroesTheCallersCopy) {
  std::string empty;
  EXPECT_CRYFTEE_ERROR(make_passphrase_sealer(empty, kTestCost), 400, "invalid_seal_passphrase");
  std::string passphrase = "zero me";
  make_passphrase_sealer(passphrase, kTestCost);
  EXPECT_EQ(passphrase.find("zero me"), std::string::npos);
}

TEST(RecordFiles, WritesWholeFilesPrivately) {
  const fs::path dir = temp_dir() / "store";
  ensure_private_dir(dir);
  EXPECT_EQ(mode_of(dir), 0700u);
  write_file_atomically(dir, "a.json", "first");
  write_file_atomically(dir, "a.json", "second");
  EXPECT_EQ(read(dir / "a.json"), "second");
  EXPECT_EQ(mode_of(dir / "a.json"), 0600u);
  EXPECT_EQ(file_names(dir), std::vector<std::string>{"a.json"});  // no temp file left
  EXPECT_TRUE(remove_file_durably(dir, "a.json"));
  EXPECT_FALSE(remove_file_durably(dir, "a.json"));
}

// A daemon's custody over a folder: its own memory custody, sealer and store, as at each start.
struct Process {
  explicit Process(const fs::path& dir, std::string passphrase = "correct horse")
      : seal(sealer(std::move(passphrase))), store(dir, *seal), custody(memory, *seal, &store) {
    custody.open();
  }
  MemoryCustody memory;
  std::unique_ptr<Sealer> seal;
  KeyStore store;
  DurableCustody custody;
};

TEST(DurableCustody, KeysComeBackInANewProcessAndSign) {
  const fs::path dir = temp_dir();
  BlsKeyInfo bls_key;
  TlsKeyInfo tls_key;
  {
    Process first(dir);
    bls_key = first.custody.bls_generate();
    tls_key = first.custody.tls_generate();
    const nlohmann::json facts = first.custody.key_facts(bls_key.handle, false);
    EXPECT_EQ(facts["durable"], true);
    EXPECT_EQ(facts["sealer"], "passphrase");
    EXPECT_EQ(facts["custody"], "memory");
    EXPECT_EQ(first.custody.key_facts(first.custody.bls_generate_ephemeral().handle, false)["durable"], false);
  }
  Process second(dir);
  const auto found = second.custody.bls_find(bls_key.public_key);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->handle, bls_key.handle);
  EXPECT_EQ(found->proof_of_possession, bls_key.proof_of_possession);
  const Bytes message = {1, 2, 3};
  EXPECT_TRUE(bls::verify(bls_key.public_key, message, second.custody.bls_sign(bls_key.handle, message, bls::Dst::Signature),
                          bls::Dst::Signature));
  const auto tls = second.custody.tls_find_node_id(tls_key.node_id);
  ASSERT_TRUE(tls);
  EXPECT_EQ(tls->certificate_der, tls_key.certificate_der);
  const Bytes digest(32, 9);
  EXPECT_TRUE(p256::verify_digest(tls_key.public_key, digest, second.custody.tls_sign(tls_key.handle, digest)));
  EXPECT_EQ(second.custody.bls_keys().size(), 1u);  // the ephemeral key did not come back
}

TEST(DurableCustody, AWrongPassphraseStopsTheStartAndAnotherSealerIsReported) {
  const fs::path dir = temp_dir();
  { Process(dir).custody.bls_generate(); }
  EXPECT_CRYFTEE_ERROR(Process(dir, "not it"), 403, "wrong_seal_passphrase");
}

TEST(DurableCustody, DamagedRecordsAreListedAndLeftAsTheyAre) {
  const fs::path dir = temp_dir();
  BlsKeyInfo kept;
  std::string damaged_name;
  {
    Process first(dir);
    kept = first.custody.bls_generate();
    damaged_name = record_file_name(first.custody.bls_generate().handle);
  }
  const fs::path damaged = dir / std::string(kStoreFolder) / damaged_name;
  { std::ofstream(damaged, std::ios::trunc) << "{\"format\":"; }
  Process second(dir);
  EXPECT_TRUE(second.custody.bls_find(kept.public_key));
  const nlohmann::json status = second.custody.status(true);
  bool seen = false;
  for (const auto& key : status["keys"]) {
    if (key["file"] != damaged_name) continue;
    seen = true;
    EXPECT_EQ(key["state"], "damaged");
  }
  EXPECT_TRUE(seen);
  EXPECT_EQ(read(damaged), "{\"format\":");
}

TEST(DurableCustody, DeletingNeedsTheKeysOwnPublicKey) {
  const fs::path dir = temp_dir();
  Process process(dir);
  const BlsKeyInfo one = process.custody.bls_generate();
  const BlsKeyInfo two = process.custody.bls_generate();
  EXPECT_CRYFTEE_ERROR(process.custody.delete_record(one.handle, "0x" + hex_encode(two.public_key)), 409, "key_mismatch");
  EXPECT_CRYFTEE_ERROR(process.custody.delete_record("bls-" + std::string(32, '0'), "0x00"), 404, "key_not_found");
  EXPECT_EQ(process.custody.delete_record(one.handle, base64_encode(one.public_key))["deleted"], true);
  EXPECT_FALSE(process.custody.bls_find(one.public_key));
  EXPECT_FALSE(fs::exists(dir / std::string(kStoreFolder) / record_file_name(one.handle)));
}

TEST(DurableCustody, TheAttestationKeyIsStoredOnce) {
  const fs::path dir = temp_dir();
  Bytes first_seed;
  {
    Process first(dir);
    first_seed = first.custody.attestation_seed();
  }
  Process second(dir);
  EXPECT_EQ(second.custody.attestation_seed(), first_seed);
}

TEST(NoneSealer, IsNotDurableAndSealsNothing) {
  auto none = make_none_sealer();
  EXPECT_FALSE(none->durable());
  EXPECT_CRYFTEE_ERROR(none->seal(Bytes{1}, "x"), 422, "keys_not_durable");
}

}  // namespace
}  // namespace cryftee::key_store
