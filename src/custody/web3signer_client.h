#pragma once
// A client for Web3Signer's REST API (eth2 signing, server status and the Keymanager API), over libcurl.
// Thread-safe: calls from many threads share a small pool of curl handles whose connections stay open
// (keep-alive). Idempotent calls (GET, DELETE) are retried with exponential backoff on connection failures
// and 5xx answers; every call fails over to the next configured URL when a URL cannot be connected to.
//
// Failures are cryftee::Error: 503 "web3signer_unreachable" (no answer), 502 "web3signer_bad_response"
// (an answer we cannot use), 404 "unknown_key" (Web3Signer holds no such key), 400
// "web3signer_rejected_request" (Web3Signer refused the request), 409 "slashing_protection" (Web3Signer's
// slashing protection refused to sign), 502 "web3signer_unauthorized" (wrong or missing auth token).
// No message carries a password, token or key material; URLs are shown without user info.
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config.h"

namespace cryftee {

// One keystore to import: the EIP-2335 keystore JSON text and the password that unlocks it (a secret).
struct Web3SignerKeystoreImport {
  std::string keystore_json;
  std::string password;
};

// Per-keystore or per-key outcome of a Keymanager call, in request order. `status` is Web3Signer's word:
// imported | duplicate | error for import; deleted | not_active | not_found | error for delete.
struct Web3SignerKeyStatus {
  std::string status;
  std::string message;  // Web3Signer's explanation when status is "error", else empty
};

struct Web3SignerKey {
  std::string validating_pubkey;  // "0x" + 96 lower-case hex digits
  std::string derivation_path;
  bool readonly = false;
};

struct Web3SignerDeletion {
  std::vector<Web3SignerKeyStatus> statuses;
  std::string slashing_protection;  // EIP-3076 interchange JSON text, as Web3Signer returned it
};

struct Web3SignerHealthcheck {
  bool healthy = false;  // 200 from /healthcheck; false for its 503 "at least one check is down"
  std::string outcome;   // Web3Signer's "outcome" (or "status") field, e.g. "UP" or "DOWN"
};

// The result of one health probe of one URL; never an exception.
struct Web3SignerProbe {
  bool reachable = false;  // /upcheck answered 200
  bool healthy = false;    // and /healthcheck answered 200
  std::string error;       // what went wrong, for people; empty when reachable and healthy
};

// "0x" + lower-case hex of a 48-byte BLS public key given as hex (with or without 0x) or base64; throws
// Error 400 "invalid_public_key" otherwise.
std::string web3signer_pubkey(std::string_view text);

// The URL without any "user:password@" part, for logs, errors and status.
std::string redact_url(std::string_view url);

class Web3SignerClient {
 public:
  // Throws Error 500 "web3signer_misconfigured" when no URL is given or a URL is not http(s)://.
  explicit Web3SignerClient(Web3SignerSettings settings);
  ~Web3SignerClient();
  Web3SignerClient(const Web3SignerClient&) = delete;
  Web3SignerClient& operator=(const Web3SignerClient&) = delete;

  // The configured URLs (redacted) and the index of the one calls try first.
  std::vector<std::string> urls() const;
  std::size_t preferred() const;
  void prefer(std::size_t index);

  // GET /upcheck: returns when Web3Signer answers 200 "OK", throws otherwise.
  void upcheck();
  // GET /healthcheck: 200 and 503 are both answers (healthy or not); anything else throws.
  Web3SignerHealthcheck healthcheck();
  // GET /api/v1/eth2/publicKeys: the keys Web3Signer can sign with, "0x" + lower-case hex.
  std::vector<std::string> public_keys();
  // POST /eth/v1/keystores. Not retried once sent (a second import would answer "duplicate").
  // Passwords are zeroed in the request body after sending; the caller zeroes its own copies.
  std::vector<Web3SignerKeyStatus> import_keystores(const std::vector<Web3SignerKeystoreImport>& keystores,
                                                    const std::optional<std::string>& slashing_protection = {});
  // GET /eth/v1/keystores
  std::vector<Web3SignerKey> list_keystores();
  // DELETE /eth/v1/keystores (idempotent by the spec: both of two identical deletes get the slashing data).
  Web3SignerDeletion delete_keystores(const std::vector<std::string>& pubkeys);
  // POST /api/v1/eth2/sign/{pubkey} with a typed Eth2 signing request passed through unchanged; returns
  // the signature as "0x" + 192 hex digits. Not retried once sent.
  std::string sign(std::string_view pubkey, const nlohmann::json& signing_request);

  // One attempt at /upcheck and /healthcheck of urls()[index], without retries, for the health checker.
  Web3SignerProbe probe(std::size_t index);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cryftee
