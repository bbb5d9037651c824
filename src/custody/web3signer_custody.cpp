#include "custody/web3signer_custody.h"

#include <algorithm>

#include "custody/key_handle.h"
#include "util/bytes.h"
#include "util/encoding.h"
#include "util/error.h"
#include "util/log.h"

namespace cryftee {
namespace {

constexpr char kKeystoreDescription[] = "Cryftee staking key";

std::string pubkey_hex(const bls::PublicKey& public_key) { return "0x" + hex_encode(public_key); }

Error import_failed(const std::string& what) {
  return Error(502, "web3signer_import_failed",
               "Web3Signer did not take the new key: " + what +
                   ". No key was kept; look at Web3Signer's log (its Keymanager API must be enabled with "
                   "--key-manager-api-enabled).");
}

}  // namespace

Web3SignerCustody::Web3SignerCustody(Web3SignerClient& client, DurableCustody& local, Web3SignerCustodyOptions options)
    : client_(client), local_(local), options_(std::move(options)) {
  if (options_.keystore.description.empty()) options_.keystore.description = kKeystoreDescription;
}

Web3SignerCustody::~Web3SignerCustody() {
  if (options_.keystore_password) secure_zero(*options_.keystore_password);
}

RemoteBlsKey Web3SignerCustody::remember(const bls::PublicKey& public_key,
                                          std::optional<bls::Signature> proof_of_possession) {
  RemoteBlsKey key{bls_handle_for(public_key), public_key, proof_of_possession};
  std::lock_guard lock(mutex_);
  auto [entry, inserted] = known_.try_emplace(key.handle, key);
  if (!inserted && proof_of_possession) entry->second.proof_of_possession = proof_of_possession;
  return entry->second;
}

bool Web3SignerCustody::keeps_local_copy() const noexcept { return options_.keep_in_memory || local_.durable(); }

void Web3SignerCustody::forget(const bls::PublicKey& public_key) {
  std::lock_guard lock(mutex_);
  known_.erase(bls_handle_for(public_key));
}

void Web3SignerCustody::confirm_listed(const std::string& pubkey) {
  const std::vector<std::string> listed = client_.public_keys();
  if (std::find(listed.begin(), listed.end(), pubkey) == listed.end()) {
    throw import_failed("it answered the import but does not list " + pubkey + " among its signing keys");
  }
}

RemoteBlsKey Web3SignerCustody::persist() {
  if (!options_.keystore_password) {
    throw Error(422, "keystore_password_missing",
                "mode 'persistent' seals the new key into an EIP-2335 keystore for Web3Signer and needs that "
                "keystore's password: set CRYFTEE_WEB3SIGNER_KEYSTORE_PASSWORD or "
                "--web3signer-keystore-password-file");
  }
  const bls::SecretKey secret = bls::SecretKey::generate();
  const bls::PublicKey public_key = secret.public_key();
  const bls::Signature proof_of_possession = secret.proof_of_possession();
  const std::string pubkey = pubkey_hex(public_key);

  Bytes secret_bytes = secret.to_bytes();
  Web3SignerKeystoreImport keystore;
  bool imported = false;
  try {
    keystore.keystore_json = eip2335_encrypt(secret_bytes, public_key, *options_.keystore_password, options_.keystore).dump();
    keystore.password = *options_.keystore_password;
    const std::vector<Web3SignerKeyStatus> statuses = client_.import_keystores({keystore});
    secure_zero(keystore.password);
    const Web3SignerKeyStatus& status = statuses.front();
    if (status.status != "imported" && status.status != "duplicate") {
      throw import_failed("the import answered '" + status.status + "'" +
                          (status.message.empty() ? std::string() : " (" + status.message + ")"));
    }
    imported = true;
    confirm_listed(pubkey);
    if (keeps_local_copy()) local_.bls_keep_web3signer_copy(secret_bytes);
  } catch (...) {
    secure_zero(keystore.password);
    secure_zero(secret_bytes);
    if (imported) {
      // Web3Signer holds a key nobody will learn about: take it back so the failed call leaves nothing.
      try {
        client_.delete_keystores({pubkey});
      } catch (const Error& error) {
        log::warn("web3signer_cleanup_failed", {{"pubkey", pubkey}, {"code", error.code()}});
      }
    }
    throw;
  }
  secure_zero(secret_bytes);
  log::info("web3signer_key_persisted", {{"pubkey", pubkey}, {"kept_locally", keeps_local_copy()}, {"durable", local_.durable()}});
  return remember(public_key, proof_of_possession);
}

std::optional<RemoteBlsKey> Web3SignerCustody::find(const bls::PublicKey& public_key) {
  const std::vector<std::string> listed = client_.public_keys();
  if (std::find(listed.begin(), listed.end(), pubkey_hex(public_key)) == listed.end()) {
    forget(public_key);
    return std::nullopt;
  }
  return remember(public_key, std::nullopt);
}

std::optional<RemoteBlsKey> Web3SignerCustody::known(std::string_view handle) const {
  std::lock_guard lock(mutex_);
  auto found = known_.find(handle);
  if (found == known_.end()) return std::nullopt;
  return found->second;
}

std::vector<RemoteBlsKey> Web3SignerCustody::known_keys() const {
  std::lock_guard lock(mutex_);
  std::vector<RemoteBlsKey> keys;
  for (const auto& [handle, key] : known_) keys.push_back(key);
  return keys;
}

bls::Signature Web3SignerCustody::sign(std::string_view handle, const nlohmann::json& signing_request) {
  const std::optional<RemoteBlsKey> key = known(handle);
  if (!key) {
    throw not_found("no key with handle " + quote_handle(handle) +
                        " is known to be in Web3Signer; register it with mode 'persistent' or 'verify' first",
                    "key_not_found");
  }
  const std::string signature = client_.sign(pubkey_hex(key->public_key), signing_request);
  const std::optional<Bytes> bytes = hex_decode(signature);
  bls::Signature result{};
  std::copy(bytes->begin(), bytes->end(), result.begin());  // the client checked: 0x + 96 bytes
  return result;
}

std::vector<Web3SignerKey> Web3SignerCustody::list() {
  std::vector<Web3SignerKey> keys = client_.list_keystores();
  for (const Web3SignerKey& key : keys) {
    const std::optional<Bytes> bytes = hex_decode(key.validating_pubkey);
    bls::PublicKey public_key{};
    std::copy(bytes->begin(), bytes->end(), public_key.begin());  // the client checked: 0x + 48 bytes
    remember(public_key, std::nullopt);
  }
  return keys;
}

Web3SignerDeletion Web3SignerCustody::remove(const std::vector<std::string>& pubkeys) {
  Web3SignerDeletion deletion = client_.delete_keystores(pubkeys);
  for (std::size_t i = 0; i < pubkeys.size() && i < deletion.statuses.size(); ++i) {
    if (deletion.statuses[i].status != "deleted" && deletion.statuses[i].status != "not_found") continue;
    const std::optional<Bytes> bytes = hex_decode(web3signer_pubkey(pubkeys[i]));
    bls::PublicKey public_key{};
    std::copy(bytes->begin(), bytes->end(), public_key.begin());
    forget(public_key);
  }
  return deletion;
}

}  // namespace cryftee
