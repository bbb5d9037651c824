#pragma once
// The attestation document: what the daemon states about the code it runs, signed with its attestation
// key. This file defines its shape, the exact bytes the signature covers, and how a verifier checks it;
// attest/attestor.h holds the key and produces documents.
//
// Signature = Ed25519 over kAttestationDomain + JCS(document without "signature"), base64 encoded.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/registry.h"

namespace cryftee {

inline constexpr std::string_view kAttestationFormat = "cryftee-attestation-v1";
// Domain separation: an attestation signature can never be mistaken for a signature over anything else.
inline constexpr std::string_view kAttestationDomain = "cryftee-attestation-v1\n";
inline constexpr std::size_t kMaxNonceLength = 256;

// Throws cryftee::Error (400 "bad_nonce") unless the nonce is 1..kMaxNonceLength printable ASCII characters.
void check_nonce(std::string_view nonce);

// "sha256:<lower-case hex>" for a SHA-256 given with or without the "sha256:" tag in either case, or nullopt
// when the text is not 64 hex digits.
std::optional<std::string> normalize_sha256_tag(std::string_view text);

struct AttestationFacts {
  const runtime::Registry& registry;
  std::string core_binary_hash;                     // "sha256:<hex>" of the running executable
  std::optional<std::string> verified_binary_hash;  // what the operator expects it to be, when configured
  std::optional<std::string> nonce;                 // checked with check_nonce
  std::chrono::system_clock::time_point timestamp;
  std::string public_key_b64;  // the attestation key that will sign the document
  // The key store's sealer, its facts (PCR selection and values when TPM-sealed) and the hash of its public
  // records (DurableCustody::attestation_facts); null when the daemon has none attached.
  nlohmann::json key_store = nullptr;
};

// The document without its "signature" member.
nlohmann::json unsigned_attestation(const AttestationFacts& facts);

// The exact bytes the signature covers: kAttestationDomain + JCS(document minus "signature").
std::string attestation_signing_payload(const nlohmann::json& document);

// What a verifier may demand beyond a valid signature.
struct AttestationExpectations {
  std::optional<std::string> public_key_b64;  // the attestation key the verifier trusts
  std::optional<std::string> nonce;           // the nonce the verifier sent
  std::optional<std::string> binary_hash;     // the core binary hash the verifier expects
};

struct AttestationCheck {
  std::string name;    // "format", "signature", "public_key", "nonce", "binary_hash", ...
  bool passed = false;
  std::string detail;  // what was found, for people
};

struct AttestationVerdict {
  bool valid = false;  // every check passed
  std::vector<AttestationCheck> checks;
};

// Never throws: any malformed document is an invalid verdict with a failed check that says why.
AttestationVerdict verify_attestation(const nlohmann::json& document, const AttestationExpectations& expected);

}  // namespace cryftee
