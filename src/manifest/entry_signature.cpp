#include "manifest/entry_signature.h"

#include "crypto/ed25519.h"
#include "util/canonical_json.h"
#include "util/encoding.h"
#include "util/error.h"

namespace cryftee {

std::string entry_signing_payload(const nlohmann::json& raw_entry) {
  if (!raw_entry.is_object()) throw bad_request("a manifest entry must be a JSON object", "bad_manifest");
  nlohmann::json unsigned_entry = raw_entry;
  unsigned_entry.erase("signature");
  return std::string(kEntrySignatureDomain) + canonical_json(unsigned_entry);
}

std::string sign_entry(const nlohmann::json& raw_entry, ByteView seed) {
  return base64_encode(ed25519_sign(seed, as_bytes(entry_signing_payload(raw_entry))));
}

SignatureCheck verify_entry_signature(const ManifestEntry& entry, const TrustStore& trust) {
  if (entry.publisher_id.empty()) return {SignatureVerdict::Missing, "the entry names no publisherId; sign it with `cryftee module sign`"};
  if (entry.signature.empty()) return {SignatureVerdict::Missing, "the entry is not signed; sign it with `cryftee module sign`"};
  const TrustedPublisher* publisher = trust.find(entry.publisher_id);
  if (!publisher) {
    return {SignatureVerdict::UnknownPublisher,
            "the publisher \"" + entry.publisher_id + "\" is not in the trust file; add its public key there if you trust it"};
  }
  if (publisher->problem) return {SignatureVerdict::PublisherUnusable, *publisher->problem};
  const auto signature = base64_decode(entry.signature);
  if (!signature || signature->size() != kEd25519SignatureSize) {
    return {SignatureVerdict::Malformed, "the signature is not base64 of a 64-byte Ed25519 signature"};
  }
  std::string payload;
  try {
    payload = entry_signing_payload(entry.raw);
  } catch (const Error& error) {
    return {SignatureVerdict::Invalid, std::string("the entry cannot be canonicalized: ") + error.what()};
  }
  if (!ed25519_verify(publisher->public_key, as_bytes(payload), *signature)) {
    return {SignatureVerdict::Invalid, "the signature does not verify with the key of publisher \"" + entry.publisher_id +
                                           "\": the entry was changed after signing, or another key signed it"};
  }
  return {SignatureVerdict::Valid, {}};
}

}  // namespace cryftee
