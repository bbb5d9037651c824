#pragma once
// Key custody with a durable home: the one place where the sealed key store (key_store/) meets memory
// custody. The custody façade (custody.h) owns it and reaches it for every key this process holds. Every key
// registered through it is held in memory custody for signing and, when the sealer is durable (tpm,
// passphrase), written to the key store first-class: a register call answers only after its record is on
// disk, and a key whose record cannot be written is not kept at all. At start, open() unseals every record
// back into memory custody, so `verify` after a restart finds the same keys.
//
// What is written: BLS keys from generate and import (raw secret or keystore), TLS keys generated or
// imported (PEM), copies of Web3Signer "persistent" keys (so raw Avalanche messages can be signed after a
// restart), and the attestation key. What is not: keys registered with bls_generate_ephemeral() (mode
// "ephemeral" without a key, CRYFTEE_WEB3SIGNER_EPHEMERAL) — those end with the process by design.
//
// release() forgets a key in memory only; delete_record() is the one way to remove a record, and it must
// be given the key twice (handle and public key) so a slip of the hand cannot destroy an identity.
//
// Thread-safe: memory custody and the key store each guard their own state.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "custody/key_custody.h"
#include "key_store/key_store.h"
#include "key_store/sealer.h"

namespace cryftee {

class DurableCustody final : public KeyCustody {
 public:
  // `memory` holds the secrets; `sealer` says how records are sealed; `store` is null when the sealer is
  // not durable. All three must outlive this object.
  DurableCustody(KeyCustody& memory, key_store::Sealer& sealer, key_store::KeyStore* store);
  ~DurableCustody() override;

  // Reads the key store into memory custody (see KeyStore::open). Throws cryftee::Error when start-up must
  // stop (a wrong seal passphrase, a key store folder that cannot be used).
  void open();

  std::string_view backend_name() const noexcept override { return memory_.backend_name(); }

  BlsKeyInfo bls_generate() override;
  BlsKeyInfo bls_import(ByteView secret) override;
  std::optional<BlsKeyInfo> bls_find(ByteView public_key) const override { return memory_.bls_find(public_key); }
  BlsKeyInfo bls_key(std::string_view handle) const override { return memory_.bls_key(handle); }
  bls::Signature bls_sign(std::string_view handle, ByteView message, bls::Dst dst) const override {
    return memory_.bls_sign(handle, message, dst);
  }
  std::vector<BlsKeyInfo> bls_keys() const override { return memory_.bls_keys(); }

  TlsKeyInfo tls_generate() override;
  TlsKeyInfo tls_import(std::string_view private_key_pem, std::optional<std::string_view> certificate_pem) override;
  std::optional<TlsKeyInfo> tls_find(ByteView public_key) const override { return memory_.tls_find(public_key); }
  TlsKeyInfo tls_key(std::string_view handle) const override { return memory_.tls_key(handle); }
  Bytes tls_sign(std::string_view handle, ByteView digest) const override { return memory_.tls_sign(handle, digest); }
  std::vector<TlsKeyInfo> tls_keys() const override { return memory_.tls_keys(); }

  bool holds(std::string_view handle) const override { return memory_.holds(handle); }
  // Forgets the key in memory only; its record (if any) stays and loads again at the next start.
  bool release(std::string_view handle) override { return memory_.release(handle); }

  // A BLS key for this process only, never written.
  BlsKeyInfo bls_generate_ephemeral();
  // The local copy of a key Web3Signer now holds too (mode "persistent"); written with web3signerCopy.
  BlsKeyInfo bls_keep_web3signer_copy(ByteView secret);

  // The attestation key's 32-byte Ed25519 seed: the stored one, or a new one written to the store (or
  // kept for this process only without a durable sealer, or while the stored one cannot be opened: a
  // record that did not open is never replaced). A secret: the caller zeroes its copy.
  Bytes attestation_seed();

  bool durable() const noexcept { return store_ != nullptr; }
  const key_store::Sealer& sealer() const noexcept { return sealer_; }

  // Where a key lives, for register answers: {"custody": "memory" (this process holds the secret and
  // signs any message) or "web3signer" (only Web3Signer holds it), "durable", "sealer",
  // "web3signerCopy"}. `known_to_web3signer`: this process has seen the key in Web3Signer.
  nlohmann::json key_facts(std::string_view handle, bool known_to_web3signer) const;
  // The key store for status: sealer, whether keys survive a restart, and every record with its state.
  // `with_sealer_facts` adds the sealer's describe() (for tpm it asks the TPM for PCR values, so the
  // status route, which clients poll, leaves it out).
  nlohmann::json status(bool with_sealer_facts) const;
  // For attestation: sealer kind, its describe() facts and the hash of the public records.
  nlohmann::json attestation_facts() const;

  // Deletes a key's record and forgets the key. `public_key` must be the key's own (hex or base64):
  // 409 "key_mismatch" otherwise, 404 "key_not_found" when there is no such record, 422 "keys_not_durable"
  // without a key store.
  nlohmann::json delete_record(const std::string& handle, const std::string& public_key);

 private:
  bool holds_unopened_attestation_record() const;
  BlsKeyInfo keep_bls(ByteView secret, std::string_view origin, bool web3signer_copy);
  TlsKeyInfo keep_tls(const p256::PrivateKey& key, std::optional<std::string_view> certificate_pem,
                      std::string_view origin);
  void take_record(const key_store::KeyRecord& record, ByteView secret);
  void write_or_forget(key_store::KeyRecord record, ByteView secret, const std::string& handle, bool was_held);

  KeyCustody& memory_;
  key_store::Sealer& sealer_;
  key_store::KeyStore* store_;
  Bytes attestation_seed_;  // a secret, held only between open() and attestation_seed()
};

}  // namespace cryftee
