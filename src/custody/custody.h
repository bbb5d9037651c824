#pragma once
// The one custody façade: everything outside custody/ (host imports, routes, the gRPC signer, the daemon)
// reaches keys through a Custody and never through a backend. It owns the backends:
//   - durable custody (durable_custody.h): memory custody (memory_custody.h) with the sealed key store
//     (key_store/) behind it; always present, and the only backend that holds secrets in this process;
//   - Web3Signer (web3signer_custody.h, with its client and health checker), when Web3Signer is enabled.
// Which backend holds a handle is decided here, once (locate()), and so are the refusals that follow from
// it: 422 web3signer_not_configured (a Web3Signer call while it is not enabled), 422
// web3signer_cannot_sign_raw (raw bytes for a key only Web3Signer holds), 422 typed_request_needs_web3signer
// (a typed request for a key only this process holds).
//
// Errors otherwise are the backends' (key_custody.h, web3signer_custody.h, web3signer_client.h): 404
// key_not_found for a handle no backend holds, 400 for malformed input, 503 when Web3Signer cannot be
// reached. Thread-safe: every backend guards its own state.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config.h"
#include "crypto/eip2335.h"
#include "custody/durable_custody.h"
#include "custody/key_custody.h"
#include "custody/memory_custody.h"
#include "custody/web3signer_client.h"
#include "custody/web3signer_custody.h"
#include "custody/web3signer_health.h"
#include "key_store/key_store.h"
#include "key_store/sealer.h"

namespace cryftee {

// What a Custody is built from.
struct CustodySetup {
  std::unique_ptr<key_store::Sealer> sealer;          // how records are sealed; "none" keeps keys in memory only
  std::optional<std::filesystem::path> key_data_dir;  // where a durable sealer's key store lives
  Web3SignerSettings web3signer;                       // enabled: the Web3Signer backend is built from these
  Eip2335Options keystore;                             // KDF of the keystores persist() seals (tests lower it)
};

// The setup the daemon runs with: the sealer key_store::choose_sealer picks and the configured Web3Signer.
// The key material cryftgo may hand over (Config::web3signer.key_material) is not copied: it goes to
// custody once, through load_startup_keys.
CustodySetup custody_setup(const Config& config);

// Where a BLS key handle is held, as far as this process knows.
enum class BlsHome {
  Memory,      // this process holds the secret (perhaps Web3Signer too) and signs any message
  Web3Signer,  // only Web3Signer holds it: typed requests only
  Unknown,     // no backend holds it
};

// The answer of a lookup by public key in Web3Signer.
struct Web3SignerLookup {
  enum class Outcome { Held, NotHeld, NotEnabled } outcome = Outcome::NotHeld;
  std::string handle;  // when Held
};

class Custody {
 public:
  // Opens the key store into memory custody (throws cryftee::Error when start-up must stop: a wrong seal
  // passphrase, a key store folder that cannot be used) and, when Web3Signer is enabled, starts its client
  // and health checker (throws 500 web3signer_misconfigured for unusable URLs).
  explicit Custody(CustodySetup setup);
  ~Custody();
  Custody(const Custody&) = delete;
  Custody& operator=(const Custody&) = delete;

  // --- BLS ---
  // A new key, written to the key store when it is durable.
  BlsKeyInfo bls_generate();
  // A new key for this process only, never written.
  BlsKeyInfo bls_generate_ephemeral();
  // A 32-byte secret (the caller keeps and zeroes its copy), written to the key store when it is durable.
  BlsKeyInfo bls_import(ByteView secret);
  // A key this process holds, by 48-byte compressed public key; nullopt when not held, 400 for a wrong size.
  std::optional<BlsKeyInfo> bls_find(ByteView public_key) const;
  // Whether Web3Signer holds this 48-byte public key (it is asked); NotEnabled without Web3Signer, 400 for a
  // wrong size, 503 when Web3Signer cannot be asked.
  Web3SignerLookup web3signer_find(ByteView public_key);
  BlsHome locate(std::string_view handle) const;
  // The public key of a key in either backend; 404 key_not_found when none holds it.
  bls::PublicKey public_key(std::string_view handle) const;
  // The proof of possession; nullopt for a key only Web3Signer holds whose proof this process did not make
  // (Web3Signer cannot sign one). 404 when no backend holds the key.
  std::optional<bls::Signature> proof_of_possession(std::string_view handle) const;
  // Signs message bytes under `dst` with a key this process holds; 422 web3signer_cannot_sign_raw for a key
  // only Web3Signer holds, 404 for an unknown handle.
  bls::Signature sign_raw(std::string_view handle, ByteView message, bls::Dst dst) const;
  // Has Web3Signer sign a typed Eth2 signing request (its body for POST /api/v1/eth2/sign/{pubkey}); 422
  // web3signer_not_configured, 422 typed_request_needs_web3signer for a key held here and not in
  // Web3Signer, 404 for an unknown handle, and Web3Signer's own refusals.
  bls::Signature sign_typed(std::string_view handle, const nlohmann::json& signing_request);
  // A new key imported into Web3Signer as an EIP-2335 keystore (see web3signer_custody.h); its proof of
  // possession is made before the local secret is dropped. 422 web3signer_not_configured.
  BlsKeyInfo persist();
  // Keys this process holds, sorted by handle.
  std::vector<BlsKeyInfo> bls_keys() const;

  // --- TLS (held by this process only) ---
  TlsKeyInfo tls_generate();
  TlsKeyInfo tls_import(std::string_view private_key_pem, std::optional<std::string_view> certificate_pem);
  // By public key (point or DER SubjectPublicKeyInfo) or by node ID text ("NodeID-..."); nullopt when not
  // held, 400 when the bytes are no P-256 public key.
  std::optional<TlsKeyInfo> tls_find(ByteView public_key_or_node_id) const;
  TlsKeyInfo tls_key(std::string_view handle) const;
  Bytes tls_sign(std::string_view handle, ByteView digest) const;
  std::vector<TlsKeyInfo> tls_keys() const;

  // --- Web3Signer, for operators and status ---
  bool web3signer_enabled() const noexcept { return web3signer_ != nullptr; }
  // The Keymanager view: every keystore Web3Signer holds. 422 web3signer_not_configured.
  std::vector<Web3SignerKey> web3signer_list();
  // Deletes keys from Web3Signer and returns its slashing protection data. 422 web3signer_not_configured.
  Web3SignerDeletion web3signer_remove(const std::vector<std::string>& pubkeys);
  // The latest health probe; nullopt without Web3Signer.
  std::optional<Web3SignerHealthSnapshot> web3signer_health() const;
  // Keys this process has seen in Web3Signer (empty without it).
  std::vector<RemoteBlsKey> web3signer_keys() const;

  // --- Where keys live, the key store, the attestation key ---
  // "memory": shown in status as the key custody backend of this process.
  std::string_view backend_name() const noexcept { return local_.backend_name(); }
  // For register answers: {"custody", "durable", "sealer", "web3signerCopy"} (durable_custody.h).
  nlohmann::json key_facts(std::string_view handle) const;
  nlohmann::json key_store_status(bool with_sealer_facts) const { return local_.status(with_sealer_facts); }
  nlohmann::json attestation_facts() const { return local_.attestation_facts(); }
  Bytes attestation_seed() { return local_.attestation_seed(); }
  nlohmann::json delete_record(const std::string& handle, const std::string& public_key) {
    return local_.delete_record(handle, public_key);
  }

 private:
  // The Web3Signer backend, or 422 web3signer_not_configured saying what needed it.
  Web3SignerCustody& web3signer(std::string_view needed_for) const;
  // The key when only Web3Signer holds this handle (locate() says Web3Signer), else nullopt.
  std::optional<RemoteBlsKey> web3signer_only(std::string_view handle) const;

  std::unique_ptr<key_store::Sealer> sealer_;
  std::unique_ptr<key_store::KeyStore> store_;  // null: the sealer is not durable
  MemoryCustody memory_;
  DurableCustody local_;
  std::unique_ptr<Web3SignerClient> client_;
  std::unique_ptr<Web3SignerHealthChecker> health_;
  std::unique_ptr<Web3SignerCustody> web3signer_;  // null: Web3Signer is not enabled
};

}  // namespace cryftee
