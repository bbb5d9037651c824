#include "custody/durable_custody.h"

#include "crypto/ed25519.h"
#include "crypto/sha256.h"
#include "crypto/tls_identity.h"
#include "util/encoding.h"
#include "util/error.h"
#include "util/log.h"
#include "util/time.h"

namespace cryftee {
namespace {

using key_store::KeyKind;
using key_store::KeyRecord;

constexpr std::string_view kAttestationHandlePrefix = "att-";

std::string hex0x(ByteView bytes) { return "0x" + hex_encode(bytes); }

std::string attestation_handle(ByteView public_key) {
  const Sha256Digest digest = sha256(public_key);
  return std::string(kAttestationHandlePrefix) + hex_encode(ByteView(digest.data(), kHandleDigestBytes));
}

KeyRecord new_record(KeyKind kind, std::string handle, std::string public_key, std::string_view origin) {
  KeyRecord record;
  record.kind = kind;
  record.handle = std::move(handle);
  record.public_key = std::move(public_key);
  record.created_at = rfc3339_utc(std::chrono::system_clock::now());
  record.origin = std::string(origin);
  return record;
}

Error not_this_key(const KeyRecord& record) {
  return unprocessable("its sealed secret is not the key its public facts name (" + record.public_key + ")",
                       "damaged_record");
}

// Zeroes a secret on every path out.
struct SecretText {
  std::string text;
  ~SecretText() { secure_zero(text); }
};

}  // namespace

DurableCustody::DurableCustody(KeyCustody& memory, key_store::Sealer& sealer, key_store::KeyStore* store)
    : memory_(memory), sealer_(sealer), store_(store) {}

DurableCustody::~DurableCustody() { secure_zero(attestation_seed_); }

void DurableCustody::open() {
  if (store_ == nullptr) {
    log::warn("keys_not_durable", {{"sealer", sealer_.kind()},
                                   {"message", "no key store: keys live in memory only and are lost at restart"}});
    return;
  }
  store_->open([this](const KeyRecord& record, ByteView secret) { take_record(record, secret); });
  log::info("key_store_open", {{"dir", store_->dir().string()}, {"sealer", sealer_.describe()},
                               {"bls_keys", memory_.bls_keys().size()}, {"tls_keys", memory_.tls_keys().size()}});
}

void DurableCustody::take_record(const KeyRecord& record, ByteView secret) {
  switch (record.kind) {
    case KeyKind::Bls: {
      const BlsKeyInfo info = memory_.bls_import(secret);
      if (info.handle != record.handle || hex0x(info.public_key) != record.public_key) {
        memory_.release(info.handle);
        throw not_this_key(record);
      }
      return;
    }
    case KeyKind::Tls: {
      if (!record.certificate_pem) throw unprocessable("the record is damaged: no certificate", "damaged_record");
      const SecretText pem{p256::PrivateKey::from_scalar(secret).to_pkcs8_pem()};
      const TlsKeyInfo info = memory_.tls_import(pem.text, *record.certificate_pem);
      if (info.handle != record.handle || hex0x(info.public_key) != record.public_key) {
        memory_.release(info.handle);
        throw not_this_key(record);
      }
      return;
    }
    case KeyKind::Attestation: {
      if (secret.size() != kEd25519SeedSize || hex0x(ed25519_public_key(secret)) != record.public_key) {
        throw not_this_key(record);
      }
      secure_zero(attestation_seed_);
      attestation_seed_.assign(secret.begin(), secret.end());
      return;
    }
  }
}

void DurableCustody::write_or_forget(KeyRecord record, ByteView secret, const std::string& handle, bool was_held) {
  try {
    store_->write(std::move(record), secret);
  } catch (...) {
    // A key the caller is told about must survive a restart; one that cannot is not kept at all.
    if (!was_held) memory_.release(handle);
    throw;
  }
}

BlsKeyInfo DurableCustody::keep_bls(ByteView secret, std::string_view origin, bool web3signer_copy) {
  if (store_ == nullptr) return memory_.bls_import(secret);
  const bls::PublicKey public_key = bls::SecretKey::from_bytes(secret).public_key();  // 400 before anything is kept
  const bool was_held = memory_.bls_find(public_key).has_value();
  const BlsKeyInfo info = memory_.bls_import(secret);
  if (store_->holds(info.handle)) return info;
  KeyRecord record = new_record(KeyKind::Bls, info.handle, hex0x(info.public_key), origin);
  record.proof_of_possession = hex0x(info.proof_of_possession);
  record.web3signer_copy = web3signer_copy;
  write_or_forget(std::move(record), secret, info.handle, was_held);
  return info;
}

BlsKeyInfo DurableCustody::bls_generate() {
  if (store_ == nullptr) return memory_.bls_generate();
  const bls::SecretKey secret = bls::SecretKey::generate();
  Bytes bytes = secret.to_bytes();
  try {
    BlsKeyInfo info = keep_bls(bytes, "generate", false);
    secure_zero(bytes);
    return info;
  } catch (...) {
    secure_zero(bytes);
    throw;
  }
}

BlsKeyInfo DurableCustody::bls_import(ByteView secret) { return keep_bls(secret, "import", false); }

BlsKeyInfo DurableCustody::bls_generate_ephemeral() { return memory_.bls_generate(); }

BlsKeyInfo DurableCustody::bls_keep_web3signer_copy(ByteView secret) { return keep_bls(secret, "web3signer", true); }

TlsKeyInfo DurableCustody::tls_generate() {
  if (store_ == nullptr) return memory_.tls_generate();
  const p256::PrivateKey key = p256::PrivateKey::generate();
  const tls_identity::Certificate certificate = tls_identity::make_staking_certificate(key);
  return keep_tls(key, certificate.pem, "generate");
}

TlsKeyInfo DurableCustody::tls_import(std::string_view private_key_pem, std::optional<std::string_view> certificate_pem) {
  if (store_ == nullptr) return memory_.tls_import(private_key_pem, certificate_pem);
  return keep_tls(p256::PrivateKey::from_pem(private_key_pem), certificate_pem, "import");
}

TlsKeyInfo DurableCustody::keep_tls(const p256::PrivateKey& key, std::optional<std::string_view> certificate_pem,
                                    std::string_view origin) {
  const bool was_held = memory_.tls_find(key.public_key()).has_value();
  const SecretText pem{key.to_pkcs8_pem()};
  const TlsKeyInfo info = memory_.tls_import(pem.text, certificate_pem);
  if (store_->holds(info.handle)) return info;
  KeyRecord record = new_record(KeyKind::Tls, info.handle, hex0x(info.public_key), origin);
  record.certificate_pem = info.certificate_pem;
  record.node_id = info.node_id;
  // The record keeps the 32-byte scalar: small enough for a TPM seal, whatever form the key came in.
  Bytes scalar = key.to_scalar();
  try {
    write_or_forget(std::move(record), scalar, info.handle, was_held);
  } catch (...) {
    secure_zero(scalar);
    throw;
  }
  secure_zero(scalar);
  return info;
}

Bytes DurableCustody::attestation_seed() {
  if (!attestation_seed_.empty()) {
    Bytes seed = std::move(attestation_seed_);
    attestation_seed_.clear();
    return seed;
  }
  Ed25519KeyPair pair = ed25519_generate();
  // An attestation record that did not open (another TPM, changed PCRs, damage) is the instance's identity
  // and stays the only one: this run attests with a key of its own, never written.
  if (store_ != nullptr && holds_unopened_attestation_record()) {
    log::warn("attestation_key_not_durable", {{"message", "the attestation key record could not be opened (see "
                                                          "key_record_not_loaded); attesting with a key for this "
                                                          "run only, and writing no new record"}});
    return std::move(pair.seed);
  }
  if (store_ != nullptr) {
    try {
      store_->write(new_record(KeyKind::Attestation, attestation_handle(pair.public_key), hex0x(pair.public_key),
                               "generate"),
                    pair.seed);
    } catch (...) {
      secure_zero(pair.seed);
      throw;
    }
  }
  return std::move(pair.seed);
}

bool DurableCustody::holds_unopened_attestation_record() const {
  for (const key_store::RecordEntry& entry : store_->entries()) {
    const bool attestation = entry.record ? entry.record->kind == KeyKind::Attestation
                                          : entry.file.starts_with(kAttestationHandlePrefix);
    if (attestation && entry.state != key_store::RecordState::Loaded) return true;
  }
  return false;
}

nlohmann::json DurableCustody::key_facts(std::string_view handle, bool known_to_web3signer) const {
  const std::string name(handle);
  const std::optional<KeyRecord> record = store_ != nullptr ? store_->record(name) : std::nullopt;
  const bool durable = store_ != nullptr && store_->holds(name);
  const bool in_memory = memory_.holds(handle);
  return {{"custody", in_memory || !known_to_web3signer ? "memory" : "web3signer"},
          {"durable", durable},
          {"sealer", durable ? std::string(sealer_.kind()) : std::string("none")},
          {"web3signerCopy", known_to_web3signer || (record && record->web3signer_copy)}};
}

nlohmann::json DurableCustody::status(bool with_sealer_facts) const {
  nlohmann::json view = {{"sealer", sealer_.kind()}, {"durable", durable()}};
  if (with_sealer_facts) view["sealerFacts"] = sealer_.describe();
  if (store_ == nullptr) {
    view["message"] = "no key store: keys live in memory only and are lost at restart";
    view["keys"] = nlohmann::json::array();
    return view;
  }
  view["dir"] = store_->dir().string();
  nlohmann::json keys = nlohmann::json::array();
  for (const key_store::RecordEntry& entry : store_->entries()) {
    nlohmann::json key = entry.record ? key_store::public_view(*entry.record) : nlohmann::json::object();
    key.erase("certificatePEM");  // status stays small; register and verify answers carry the certificate
    key["file"] = entry.file;
    key["state"] = key_store::state_name(entry.state);
    if (!entry.reason.empty()) key["reason"] = entry.reason;
    keys.push_back(std::move(key));
  }
  view["keys"] = std::move(keys);
  return view;
}

nlohmann::json DurableCustody::attestation_facts() const {
  nlohmann::json facts = {{"sealer", sealer_.kind()}, {"durable", durable()}, {"sealerFacts", sealer_.describe()}};
  if (store_ != nullptr) facts["publicRecordsHash"] = store_->public_records_hash();
  return facts;
}

nlohmann::json DurableCustody::delete_record(const std::string& handle, const std::string& public_key) {
  if (store_ == nullptr) {
    throw unprocessable("this daemon runs without a key store (sealer 'none'), so there is no record to delete",
                        "keys_not_durable");
  }
  const std::optional<KeyRecord> record = store_->record(handle);
  if (!record) throw not_found("the key store has no record " + quote_handle(handle), "key_not_found");
  const std::optional<Bytes> stored = hex_decode(std::string_view(record->public_key).substr(2));
  const std::optional<Bytes> given = stored ? decode_hex_or_base64(public_key, stored->size()) : std::nullopt;
  if (!given || *given != *stored) {
    throw conflict("'publicKey' is not the public key of record " + quote_handle(handle) +
                       "; name the key by both its handle and its public key to delete it",
                   "key_mismatch");
  }
  store_->remove(handle);
  memory_.release(handle);
  log::warn("key_record_deleted", {{"keyHandle", handle}, {"publicKey", record->public_key},
                                   {"kind", key_store::kind_name(record->kind)}});
  return {{"deleted", true}, {"keyHandle", handle}, {"publicKey", record->public_key},
          {"kind", key_store::kind_name(record->kind)}};
}

}  // namespace cryftee
