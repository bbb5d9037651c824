#include "attest/attestor.h"

#include <chrono>

#include "attest/document.h"
#include "crypto/ed25519.h"
#include "util/encoding.h"
#include "util/log.h"

namespace cryftee {
namespace {

std::shared_future<std::string> ready(std::string value) {
  std::promise<std::string> promise;
  promise.set_value(std::move(value));
  return promise.get_future().share();
}

// The "attestation_key" line; the hash is in it when known, else "core_binary_hash" logs it later.
void log_attestation_key(const char* source, const std::string& public_key_b64,
                         const std::shared_future<std::string>& core_binary_hash) {
  nlohmann::json fields = {{"source", source}, {"public_key", public_key_b64}};
  if (core_binary_hash.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
    try {
      fields["core_binary_hash"] = core_binary_hash.get();
    } catch (const std::exception&) {
      // Logged by whoever computed it; attest() reports it.
    }
  }
  log::info("attestation_key", fields);
}

}  // namespace

Attestor::Attestor(const Config& config, std::string core_binary_hash)
    : core_binary_hash_(ready(std::move(core_binary_hash))), verified_binary_hash_(config.verified_binary_hash) {
  Ed25519KeyPair key = config.attestation_key_file ? ed25519_read_private_pem(*config.attestation_key_file) : ed25519_generate();
  key_from_file_ = config.attestation_key_file.has_value();
  seed_ = std::move(key.seed);
  public_key_b64_ = base64_encode(key.public_key);
  log_attestation_key(key_from_file_ ? "file" : "generated", public_key_b64_, core_binary_hash_);
}

Attestor::Attestor(const Config& config, StoredKey stored, std::string core_binary_hash)
    : Attestor(config, std::move(stored), ready(std::move(core_binary_hash))) {}

Attestor::Attestor(const Config& config, StoredKey stored, std::shared_future<std::string> core_binary_hash)
    : core_binary_hash_(std::move(core_binary_hash)),
      verified_binary_hash_(config.verified_binary_hash),
      key_store_facts_(std::move(stored.key_store_facts)) {
  key_from_file_ = config.attestation_key_file.has_value();
  if (key_from_file_) {
    secure_zero(stored.seed);
    Ed25519KeyPair key = ed25519_read_private_pem(*config.attestation_key_file);
    seed_ = std::move(key.seed);
    public_key_b64_ = base64_encode(key.public_key);
  } else {
    seed_ = std::move(stored.seed);
    public_key_b64_ = base64_encode(ed25519_public_key(seed_));
  }
  log_attestation_key(key_from_file_ ? "file" : "key store", public_key_b64_, core_binary_hash_);
}

Attestor::~Attestor() { secure_zero(seed_); }

nlohmann::json Attestor::attest(const runtime::Registry& registry, const std::optional<std::string>& nonce) const {
  if (nonce) check_nonce(*nonce);
  nlohmann::json document = unsigned_attestation(AttestationFacts{
      .registry = registry,
      .core_binary_hash = core_binary_hash_.get(),
      .verified_binary_hash = verified_binary_hash_,
      .nonce = nonce,
      .timestamp = std::chrono::system_clock::now(),
      .public_key_b64 = public_key_b64_,
      .key_store = key_store_facts_ ? key_store_facts_() : nlohmann::json(nullptr),
  });
  const std::string payload = attestation_signing_payload(document);
  document["signature"] = base64_encode(ed25519_sign(seed_, as_bytes(payload)));
  return document;
}

}  // namespace cryftee
