#include "attest/document.h"

#include <algorithm>
#include <cctype>

#include "crypto/ed25519.h"
#include "util/canonical_json.h"
#include "util/encoding.h"
#include "util/error.h"
#include "util/time.h"
#include "version.h"

namespace cryftee {
namespace {

using nlohmann::json;

json string_or_null(const std::string& text) { return text.empty() ? json(nullptr) : json(text); }

const std::string* string_member(const json& document, const char* name) {
  const auto it = document.find(name);
  return it != document.end() && it->is_string() ? it->get_ptr<const std::string*>() : nullptr;
}

json module_facts(const runtime::ModuleRecord& record) {
  return {
      {"id", record.entry.id},
      {"version", record.entry.version},
      {"declaredHash", string_or_null(record.entry.hash)},
      {"computedHash", string_or_null(record.computed_hash)},
      {"trusted", record.status.trusted},
      {"compatible", record.status.compatible},
      {"loaded", record.status.loaded},
  };
}

// Decodes a base64 member of the document that must hold exactly `size` bytes.
std::optional<Bytes> decode_member(const json& document, const char* name, std::size_t size, std::string& problem) {
  const std::string* text = string_member(document, name);
  if (!text) {
    problem = std::string("\"") + name + "\" is missing or not a string";
    return std::nullopt;
  }
  std::optional<Bytes> bytes = base64_decode(*text);
  if (!bytes || bytes->size() != size) {
    problem = std::string("\"") + name + "\" is not base64 of " + std::to_string(size) + " bytes";
    return std::nullopt;
  }
  return bytes;
}

}  // namespace

void check_nonce(std::string_view nonce) {
  if (nonce.empty() || nonce.size() > kMaxNonceLength) {
    throw bad_request("the nonce must be 1 to " + std::to_string(kMaxNonceLength) + " characters long (got " +
                          std::to_string(nonce.size()) + ")",
                      "bad_nonce");
  }
  const bool printable = std::all_of(nonce.begin(), nonce.end(), [](char c) { return c >= 0x20 && c <= 0x7e; });
  if (!printable) throw bad_request("the nonce may hold only printable ASCII characters", "bad_nonce");
}

std::optional<std::string> normalize_sha256_tag(std::string_view text) {
  constexpr std::string_view kTag = "sha256:";
  if (text.size() > kTag.size() && std::equal(kTag.begin(), kTag.end(), text.begin(), [](char a, char b) {
        return a == std::tolower(static_cast<unsigned char>(b));
      })) {
    text.remove_prefix(kTag.size());
  }
  if (text.size() != 64 || !std::all_of(text.begin(), text.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); })) {
    return std::nullopt;
  }
  std::string hex(text);
  std::transform(hex.begin(), hex.end(), hex.begin(), [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
  return "sha256:" + hex;
}

json unsigned_attestation(const AttestationFacts& facts) {
  const runtime::Registry& registry = facts.registry;
  json modules = json::array();
  json loaded_modules = json::array();
  for (const runtime::ModuleRecord& record : registry.modules) {
    modules.push_back(module_facts(record));
    if (record.status.loaded) loaded_modules.push_back(record.entry.id);
  }
  json document = {
      {"format", kAttestationFormat},
      {"cryftee_version", kCryfteeVersion},
      {"abi_version", kAbiVersion},
      {"core_binary_hash", facts.core_binary_hash},
      {"manifest_hash", string_or_null(registry.manifest_hash)},
      {"trust_hash", string_or_null(registry.trust_hash)},
      {"registry_epoch", registry.epoch},
      {"modules", std::move(modules)},
      {"loaded_modules", std::move(loaded_modules)},
      {"timestamp", rfc3339_utc(facts.timestamp)},
      {"nonce", facts.nonce ? json(*facts.nonce) : json(nullptr)},
      {"attestation_public_key", facts.public_key_b64},
  };
  if (!facts.key_store.is_null()) document["key_store"] = facts.key_store;
  if (facts.verified_binary_hash) {
    const std::optional<std::string> expected = normalize_sha256_tag(*facts.verified_binary_hash);
    const std::optional<std::string> actual = normalize_sha256_tag(facts.core_binary_hash);
    document["verified_binary_hash"] = {
        {"expected", expected.value_or(*facts.verified_binary_hash)},
        {"matches", expected.has_value() && expected == actual},
    };
  }
  return document;
}

std::string attestation_signing_payload(const json& document) {
  json covered = document;
  covered.erase("signature");
  return std::string(kAttestationDomain) + canonical_json(covered);
}

AttestationVerdict verify_attestation(const json& document, const AttestationExpectations& expected) {
  AttestationVerdict verdict;
  const auto check = [&verdict](std::string name, bool passed, std::string detail) {
    verdict.checks.push_back(AttestationCheck{std::move(name), passed, std::move(detail)});
  };
  if (!document.is_object()) {
    check("document", false, "the attestation is not a JSON object");
    return verdict;
  }

  const std::string* format = string_member(document, "format");
  check("format", format && *format == kAttestationFormat,
        format ? "format is \"" + *format + "\"" : "\"format\" is missing; expected \"" + std::string(kAttestationFormat) + "\"");

  std::string key_problem;
  std::string signature_problem;
  const std::optional<Bytes> public_key = decode_member(document, "attestation_public_key", kEd25519PublicKeySize, key_problem);
  const std::optional<Bytes> signature = decode_member(document, "signature", kEd25519SignatureSize, signature_problem);
  if (!public_key || !signature) {
    check("signature", false, public_key ? signature_problem : key_problem);
  } else {
    try {
      const std::string payload = attestation_signing_payload(document);
      const bool verified = ed25519_verify(*public_key, as_bytes(payload), *signature);
      check("signature", verified,
            verified ? "Ed25519 signature by the document's attestation key verifies"
                     : "the Ed25519 signature does not match the document: it was altered or signed by another key");
    } catch (const Error& error) {
      check("signature", false, std::string("the document cannot be canonicalized: ") + error.what());
    }
  }

  if (expected.public_key_b64) {
    const std::optional<Bytes> trusted = base64_decode(*expected.public_key_b64);
    if (!trusted || trusted->size() != kEd25519PublicKeySize) {
      check("public_key", false, "the expected public key is not base64 of 32 bytes");
    } else {
      const bool same = public_key && *public_key == *trusted;
      check("public_key", same, same ? "signed by the expected attestation key" : "signed by a different attestation key than expected");
    }
  }

  if (expected.nonce) {
    const std::string* nonce = string_member(document, "nonce");
    const bool same = nonce && *nonce == *expected.nonce;
    check("nonce", same, same ? "the nonce matches" : "the document's nonce is not the one that was sent (replayed or stale)");
  }

  const std::string* core_hash = string_member(document, "core_binary_hash");
  if (expected.binary_hash) {
    const std::optional<std::string> want = normalize_sha256_tag(*expected.binary_hash);
    const std::optional<std::string> have = core_hash ? normalize_sha256_tag(*core_hash) : std::nullopt;
    if (!want) {
      check("binary_hash", false, "the expected binary hash is not sha256:<64 hex digits>");
    } else {
      const bool same = have && *have == *want;
      check("binary_hash", same,
            same ? "core_binary_hash is the expected " + *want
                 : "core_binary_hash is " + (core_hash ? *core_hash : std::string("missing")) + ", expected " + *want);
    }
  }

  // The daemon compares its own hash with the operator's expectation; a reported mismatch means the running
  // binary is not the one the operator vouched for.
  if (const auto it = document.find("verified_binary_hash"); it != document.end()) {
    const bool matches = it->is_object() && it->contains("matches") && (*it)["matches"].is_boolean() &&
                         (*it)["matches"].get<bool>();
    check("verified_binary_hash", matches,
          matches ? "the daemon's binary matches the operator's configured hash"
                  : "the daemon reports that its binary does not match the operator's configured hash");
  }

  verdict.valid = std::all_of(verdict.checks.begin(), verdict.checks.end(), [](const AttestationCheck& c) { return c.passed; });
  return verdict;
}

}  // namespace cryftee
