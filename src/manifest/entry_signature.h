#pragma once
// Publisher signatures on manifest entries: Ed25519 over a domain-separation prefix followed by the RFC
// 8785 canonical JSON of the whole entry without its "signature" member, so dir, file, hash,
// capabilities, defaultFor, imports, limits and gui are all covered.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "manifest/manifest.h"
#include "manifest/trust.h"
#include "util/bytes.h"

namespace cryftee {

inline constexpr std::string_view kEntrySignatureDomain = "cryftee-module-entry-v1\n";

// Why a signature did or did not verify; the registry turns anything but Valid into "untrusted".
enum class SignatureVerdict {
  Valid,
  Missing,            // no publisherId or no signature
  UnknownPublisher,   // publisherId not in the trust file
  PublisherUnusable,  // the trust file's entry has a bad algo or key
  Malformed,          // signature is not base64 of 64 bytes
  Invalid,            // does not verify: the entry was changed or another key signed it
};

struct SignatureCheck {
  SignatureVerdict verdict = SignatureVerdict::Missing;
  std::string reason;  // a sentence for people; empty when Valid
};

// The exact bytes signed: kEntrySignatureDomain + canonical_json(entry minus "signature").
// Throws cryftee::Error (400) when the entry is not a JSON object or cannot be canonicalized.
std::string entry_signing_payload(const nlohmann::json& raw_entry);

// Base64 Ed25519 signature of entry_signing_payload(raw_entry) with the publisher's private seed.
std::string sign_entry(const nlohmann::json& raw_entry, ByteView seed);

// Checks entry.signature over entry.raw against the publisher named by entry.publisher_id. Never throws.
SignatureCheck verify_entry_signature(const ManifestEntry& entry, const TrustStore& trust);

}  // namespace cryftee
