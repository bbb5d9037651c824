#pragma once
// Holds the attestation key and signs attestation documents (attest/document.h) about the registry that
// is serving. The key is loaded from Config::attestation_key_file, or taken from the key store (so its
// public key stays the same across restarts), or generated for this process only; it is zeroed on
// destruction. The core binary hash is computed once; the daemon hands over one still being computed
// (hashing an executable with V8 linked in takes about 100 ms, which start-up need not wait for), and the
// first attestation waits for it.
#include <functional>
#include <future>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "attest/binary_hash.h"
#include "config/config.h"
#include "runtime/registry.h"
#include "util/bytes.h"

namespace cryftee {

class Attestor {
 public:
  // Throws cryftee::Error when the configured key file cannot be read or is not an Ed25519 key, or when
  // the running binary cannot be hashed.
  explicit Attestor(const Config& config, std::string core_binary_hash = running_binary_hash());

  // What the key store gives an attestor: the stored key's 32-byte seed (taken over and zeroed here) and
  // the facts every document states about the key store.
  struct StoredKey {
    Bytes seed;
    std::function<nlohmann::json()> key_store_facts;
  };
  // Uses `stored` unless Config::attestation_key_file names a key, which wins.
  Attestor(const Config& config, StoredKey stored, std::string core_binary_hash = running_binary_hash());
  // The same with the hash still being computed (hash_running_binary_in_background); a failure to hash
  // is thrown by every attest() instead of by the constructor.
  Attestor(const Config& config, StoredKey stored, std::shared_future<std::string> core_binary_hash);
  ~Attestor();
  Attestor(const Attestor&) = delete;
  Attestor& operator=(const Attestor&) = delete;

  // Waits for the hash when it is still being computed.
  const std::string& core_binary_hash() const { return core_binary_hash_.get(); }
  const std::string& public_key_b64() const noexcept { return public_key_b64_; }
  bool key_from_file() const noexcept { return key_from_file_; }

  // A signed document about `registry`. Throws cryftee::Error (400 "bad_nonce") for a malformed nonce.
  nlohmann::json attest(const runtime::Registry& registry, const std::optional<std::string>& nonce) const;

 private:
  Bytes seed_;  // the private key: a secret
  std::string public_key_b64_;
  std::shared_future<std::string> core_binary_hash_;
  std::optional<std::string> verified_binary_hash_;
  bool key_from_file_ = false;
  std::function<nlohmann::json()> key_store_facts_;
};

}  // namespace cryftee
