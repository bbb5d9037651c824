#pragma once
// The Web3Signer custody backend: BLS keys that live in Web3Signer, not in this process. The custody façade
// (custody.h) owns it and decides which calls reach it.
//
// - persist() makes a fresh key, seals it into an EIP-2335 keystore under the configured password, imports
//   it through Web3Signer's Keymanager API, confirms Web3Signer now lists it, and only then answers; the
//   local secret is zeroed unless a local copy is kept: when the key store is durable (the copy is then
//   sealed there, so raw Avalanche messages can be signed after a restart too) or the operator asked to
//   keep one in memory (--web3signer-keep-in-memory).
//   The proof of possession is made before the secret is dropped. Any failure leaves nothing behind.
// - find() asks Web3Signer whether it holds a public key; sign() passes a typed Eth2 signing request
//   through. Web3Signer recomputes the signing root from the typed request, which is why raw Avalanche
//   messages cannot be signed with a key only Web3Signer holds.
//
// Keys get the same handle as in memory custody (key_handle.h). This process remembers, in memory and only
// as public data, which handles it has seen in Web3Signer (persisted, found, listed) and the proofs of
// possession it made; after a restart, find() (mode "verify") learns a key again.
//
// Thread-safe. Network calls hold no lock; the table of known keys is locked only to read or insert.
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "crypto/bls.h"
#include "crypto/eip2335.h"
#include "custody/durable_custody.h"
#include "custody/web3signer_client.h"

namespace cryftee {

struct RemoteBlsKey {
  std::string handle;
  bls::PublicKey public_key{};
  std::optional<bls::Signature> proof_of_possession;  // known only for keys persisted by this process
};

struct Web3SignerCustodyOptions {
  std::optional<std::string> keystore_password;  // a secret; persist() is refused without it
  bool keep_in_memory = false;
  Eip2335Options keystore;  // KDF and costs of the keystores persist() seals
};

class Web3SignerCustody {
 public:
  // `client` and `local` must outlive this object.
  Web3SignerCustody(Web3SignerClient& client, DurableCustody& local, Web3SignerCustodyOptions options);
  ~Web3SignerCustody();
  Web3SignerCustody(const Web3SignerCustody&) = delete;
  Web3SignerCustody& operator=(const Web3SignerCustody&) = delete;

  // Errors: 422 keystore_password_missing; the client's errors (503 when Web3Signer cannot be reached);
  // 502 web3signer_import_failed when Web3Signer refuses the keystore or does not list the key afterwards.
  RemoteBlsKey persist();
  // nullopt when Web3Signer does not hold the key; 503 when it cannot be asked.
  std::optional<RemoteBlsKey> find(const bls::PublicKey& public_key);
  // A key this process has seen in Web3Signer, without asking Web3Signer.
  std::optional<RemoteBlsKey> known(std::string_view handle) const;
  std::vector<RemoteBlsKey> known_keys() const;
  // Typed Eth2 signing of a known key; returns the 96-byte signature. 404 key_not_found for a handle never
  // seen in Web3Signer.
  bls::Signature sign(std::string_view handle, const nlohmann::json& signing_request);

  // The Keymanager view, for operators: every keystore Web3Signer holds (and they become known).
  std::vector<Web3SignerKey> list();
  // Deletes keys from Web3Signer; deleted keys are forgotten here too.
  Web3SignerDeletion remove(const std::vector<std::string>& pubkeys);

 private:
  RemoteBlsKey remember(const bls::PublicKey& public_key, std::optional<bls::Signature> proof_of_possession);
  void forget(const bls::PublicKey& public_key);
  bool keeps_local_copy() const noexcept;
  void confirm_listed(const std::string& pubkey_hex);

  Web3SignerClient& client_;
  DurableCustody& local_;
  Web3SignerCustodyOptions options_;
  mutable std::mutex mutex_;  // guards known_ only
  std::map<std::string, RemoteBlsKey, std::less<>> known_;  // by handle
};

}  // namespace cryftee
