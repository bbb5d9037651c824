#include "custody/custody.h"

#include <algorithm>

#include "crypto/node_id.h"
#include "key_store/sealer_choice.h"
#include "util/error.h"
#include "util/log.h"

namespace cryftee {
namespace {

std::unique_ptr<key_store::KeyStore> open_store_folder(key_store::Sealer& sealer,
                                                       const std::optional<std::filesystem::path>& key_data_dir) {
  if (!sealer.durable()) return nullptr;
  if (!key_data_dir) {
    throw internal_error("the " + std::string(sealer.kind()) + " sealer needs a key data folder", "sealer_unavailable");
  }
  return std::make_unique<key_store::KeyStore>(*key_data_dir, sealer);
}

key_store::Sealer& required(const std::unique_ptr<key_store::Sealer>& sealer) {
  if (!sealer) throw internal_error("custody was set up without a sealer", "sealer_unavailable");
  return *sealer;
}

void forget_secrets(Web3SignerSettings& settings) {
  for (std::optional<std::string>* secret : {&settings.key_material, &settings.auth_token, &settings.keystore_password}) {
    if (*secret) secure_zero(**secret);
    secret->reset();
  }
}

bls::PublicKey bls_public_key(ByteView bytes) {
  if (bytes.size() != bls::kPublicKeySize) throw bad_request("a BLS public key has 48 bytes", "invalid_bls_public_key");
  bls::PublicKey key{};
  std::copy(bytes.begin(), bytes.end(), key.begin());
  return key;
}

}  // namespace

CustodySetup custody_setup(const Config& config) {
  CustodySetup setup;
  setup.sealer = key_store::choose_sealer(config);
  setup.key_data_dir = config.key_data_dir;
  setup.web3signer = config.web3signer;
  if (setup.web3signer.key_material) secure_zero(*setup.web3signer.key_material);
  setup.web3signer.key_material.reset();
  return setup;
}

Custody::Custody(CustodySetup setup)
    : sealer_(std::move(setup.sealer)),
      store_(open_store_folder(required(sealer_), setup.key_data_dir)),
      local_(memory_, *sealer_, store_.get()) {
  local_.open();
  Web3SignerSettings& settings = setup.web3signer;
  if (settings.enabled) {
    client_ = std::make_unique<Web3SignerClient>(settings);
    health_ = std::make_unique<Web3SignerHealthChecker>(*client_, settings.health_interval);
    web3signer_ = std::make_unique<Web3SignerCustody>(
        *client_, local_, Web3SignerCustodyOptions{settings.keystore_password, settings.keep_in_memory, setup.keystore});
    log::info("web3signer_ready", {{"urls", client_->urls()},
                                   {"keystore_password", settings.keystore_password ? "set" : "not set"},
                                   {"keep_in_memory", settings.keep_in_memory}});
    if (!settings.keystore_password) {
      log::warn("web3signer_no_keystore_password",
                {{"message", "mode 'persistent' is refused until a keystore password is configured "
                             "(CRYFTEE_WEB3SIGNER_KEYSTORE_PASSWORD or --web3signer-keystore-password-file)"}});
    }
  }
  // The client and the Web3Signer backend keep their own copies.
  forget_secrets(settings);
}

// Members go in reverse order: the Web3Signer backend before the health checker and client it uses, durable
// custody before the memory custody and key store behind it.
Custody::~Custody() = default;

Web3SignerCustody& Custody::web3signer(std::string_view needed_for) const {
  if (!web3signer_) {
    throw Error(422, "web3signer_not_configured",
                std::string(needed_for) + " needs Web3Signer, and this daemon runs without it: start Cryftee with "
                                          "--web3signer-enabled and --web3signer-url");
  }
  return *web3signer_;
}

BlsHome Custody::locate(std::string_view handle) const {
  if (handle.starts_with(kBlsHandlePrefix) && local_.holds(handle)) return BlsHome::Memory;
  if (web3signer_ && web3signer_->known(handle)) return BlsHome::Web3Signer;
  return BlsHome::Unknown;
}

std::optional<RemoteBlsKey> Custody::web3signer_only(std::string_view handle) const {
  if (locate(handle) != BlsHome::Web3Signer) return std::nullopt;
  return web3signer_->known(handle);
}

BlsKeyInfo Custody::bls_generate() { return local_.bls_generate(); }

BlsKeyInfo Custody::bls_generate_ephemeral() { return local_.bls_generate_ephemeral(); }

BlsKeyInfo Custody::bls_import(ByteView secret) { return local_.bls_import(secret); }

std::optional<BlsKeyInfo> Custody::bls_find(ByteView public_key) const { return local_.bls_find(public_key); }

Web3SignerLookup Custody::web3signer_find(ByteView public_key) {
  if (!web3signer_) return {Web3SignerLookup::Outcome::NotEnabled, {}};
  const std::optional<RemoteBlsKey> found = web3signer_->find(bls_public_key(public_key));
  if (!found) return {Web3SignerLookup::Outcome::NotHeld, {}};
  return {Web3SignerLookup::Outcome::Held, found->handle};
}

// Unknown handles fall through to durable custody, whose 404 names the handle.
bls::PublicKey Custody::public_key(std::string_view handle) const {
  if (auto remote = web3signer_only(handle)) return remote->public_key;
  return local_.bls_key(handle).public_key;
}

std::optional<bls::Signature> Custody::proof_of_possession(std::string_view handle) const {
  if (auto remote = web3signer_only(handle)) return remote->proof_of_possession;
  return local_.bls_key(handle).proof_of_possession;
}

bls::Signature Custody::sign_raw(std::string_view handle, ByteView message, bls::Dst dst) const {
  if (web3signer_only(handle)) {
    throw Error(422, "web3signer_cannot_sign_raw",
                "this key is held by Web3Signer, whose eth2 API signs only typed Ethereum requests (it computes "
                "the signing root itself), so it cannot sign raw Avalanche messages. Send a typed request in "
                "'signingRequest', or register the key with mode 'persistent' while Cryftee runs with a key store "
                "(--key-data-dir) or --web3signer-keep-in-memory, so it also holds the key for raw signing");
  }
  return local_.bls_sign(handle, message, dst);
}

bls::Signature Custody::sign_typed(std::string_view handle, const nlohmann::json& signing_request) {
  Web3SignerCustody& remote = web3signer("a typed signing request");
  // A key held here may have a copy in Web3Signer that this run has not seen yet (a persistent key loaded
  // from the key store): ask Web3Signer before refusing.
  if (!remote.known(handle) && locate(handle) == BlsHome::Memory && !remote.find(local_.bls_key(handle).public_key)) {
    throw Error(422, "typed_request_needs_web3signer",
                "this key is held in memory only; typed Ethereum requests are signed by Web3Signer. Send the "
                "message bytes in 'message' to sign with it here");
  }
  return remote.sign(handle, signing_request);
}

BlsKeyInfo Custody::persist() {
  const RemoteBlsKey key = web3signer("mode 'persistent'").persist();
  return BlsKeyInfo{key.handle, key.public_key, *key.proof_of_possession};  // persist() always makes one
}

std::vector<BlsKeyInfo> Custody::bls_keys() const { return local_.bls_keys(); }

TlsKeyInfo Custody::tls_generate() { return local_.tls_generate(); }

TlsKeyInfo Custody::tls_import(std::string_view private_key_pem, std::optional<std::string_view> certificate_pem) {
  return local_.tls_import(private_key_pem, certificate_pem);
}

std::optional<TlsKeyInfo> Custody::tls_find(ByteView public_key_or_node_id) const {
  const std::string_view text(reinterpret_cast<const char*>(public_key_or_node_id.data()), public_key_or_node_id.size());
  if (text.starts_with(kNodeIdPrefix)) return local_.tls_find_node_id(text);
  return local_.tls_find(public_key_or_node_id);
}

TlsKeyInfo Custody::tls_key(std::string_view handle) const { return local_.tls_key(handle); }

Bytes Custody::tls_sign(std::string_view handle, ByteView digest) const { return local_.tls_sign(handle, digest); }

std::vector<TlsKeyInfo> Custody::tls_keys() const { return local_.tls_keys(); }

std::vector<Web3SignerKey> Custody::web3signer_list() { return web3signer("listing keys").list(); }

Web3SignerDeletion Custody::web3signer_remove(const std::vector<std::string>& pubkeys) {
  return web3signer("deleting keys").remove(pubkeys);
}

std::optional<Web3SignerHealthSnapshot> Custody::web3signer_health() const {
  if (!health_) return std::nullopt;
  return health_->snapshot();
}

std::vector<RemoteBlsKey> Custody::web3signer_keys() const {
  if (!web3signer_) return {};
  return web3signer_->known_keys();
}

nlohmann::json Custody::key_facts(std::string_view handle) const {
  const bool in_web3signer = web3signer_ && web3signer_->known(handle).has_value();
  return local_.key_facts(handle, in_web3signer);
}

}  // namespace cryftee
