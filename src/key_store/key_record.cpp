#include "key_store/key_record.h"

#include "crypto/sha256.h"
#include "util/canonical_json.h"
#include "util/encoding.h"
#include "util/error.h"

namespace cryftee::key_store {
namespace {

constexpr std::string_view kIntegrityPrefix = "sha256:";
// Handles are a kind prefix and 32 lower-case hex characters (custody/key_handle.h).
constexpr std::size_t kHandleHexSize = 32;
constexpr std::string_view kHandlePrefixes[] = {"bls-", "tls-", "att-"};

Error damaged(const std::string& what) {
  return unprocessable("the record is damaged: " + what, "damaged_record");
}

nlohmann::json members_of(const KeyRecord& record) {
  nlohmann::json json = {{"format", kRecordFormat},
                         {"kind", kind_name(record.kind)},
                         {"handle", record.handle},
                         {"publicKey", record.public_key},
                         {"createdAt", record.created_at},
                         {"origin", record.origin},
                         {"web3signerCopy", record.web3signer_copy},
                         {"sealer", record.sealer},
                         {"sealed", record.sealed}};
  if (record.proof_of_possession) json["proofOfPossession"] = *record.proof_of_possession;
  if (record.certificate_pem) json["certificatePEM"] = *record.certificate_pem;
  if (record.node_id) json["nodeId"] = *record.node_id;
  return json;
}

std::string integrity_of(const nlohmann::json& members) {
  return std::string(kIntegrityPrefix) + hex_encode(sha256(as_bytes(canonical_json(members))));
}

std::string text_member(const nlohmann::json& json, const char* key) {
  auto it = json.find(key);
  if (it == json.end() || !it->is_string()) throw damaged(std::string("'") + key + "' is missing or not text");
  return it->get<std::string>();
}

std::optional<std::string> optional_text(const nlohmann::json& json, const char* key) {
  if (!json.contains(key)) return std::nullopt;
  return text_member(json, key);
}

KeyKind kind_from(const std::string& name) {
  if (name == "bls") return KeyKind::Bls;
  if (name == "tls") return KeyKind::Tls;
  if (name == "attestation") return KeyKind::Attestation;
  throw damaged("unknown kind '" + name + "'");
}

}  // namespace

std::string_view kind_name(KeyKind kind) noexcept {
  switch (kind) {
    case KeyKind::Bls: return "bls";
    case KeyKind::Tls: return "tls";
    case KeyKind::Attestation: return "attestation";
  }
  return "bls";
}

std::string record_file_name(std::string_view handle) { return std::string(handle) + std::string(kRecordSuffix); }

bool is_record_file_name(std::string_view name) noexcept {
  if (!name.ends_with(kRecordSuffix)) return false;
  name.remove_suffix(kRecordSuffix.size());
  for (std::string_view prefix : kHandlePrefixes) {
    if (!name.starts_with(prefix)) continue;
    const std::string_view hex = name.substr(prefix.size());
    if (hex.size() != kHandleHexSize) return false;
    for (char c : hex) {
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
  }
  return false;
}

std::string record_text(const KeyRecord& record) {
  nlohmann::json json = members_of(record);
  json["integrity"] = integrity_of(json);
  return json.dump(2) + "\n";
}

KeyRecord parse_record(std::string_view text) {
  nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded()) throw damaged("it is not whole JSON (truncated or overwritten)");
  if (!json.is_object()) throw damaged("it is not a JSON object");
  const std::string integrity = text_member(json, "integrity");
  json.erase("integrity");
  std::string expected;
  try {
    expected = integrity_of(json);
  } catch (const Error&) {
    throw damaged("it cannot be put in canonical form");
  }
  if (integrity != expected) throw damaged("its integrity hash does not match its content");
  if (text_member(json, "format") != kRecordFormat) {
    throw damaged("format is not '" + std::string(kRecordFormat) + "'");
  }
  KeyRecord record;
  record.kind = kind_from(text_member(json, "kind"));
  record.handle = text_member(json, "handle");
  record.public_key = text_member(json, "publicKey");
  record.proof_of_possession = optional_text(json, "proofOfPossession");
  record.certificate_pem = optional_text(json, "certificatePEM");
  record.node_id = optional_text(json, "nodeId");
  record.created_at = text_member(json, "createdAt");
  record.origin = text_member(json, "origin");
  if (!json.contains("web3signerCopy") || !json["web3signerCopy"].is_boolean()) {
    throw damaged("'web3signerCopy' is missing or not a boolean");
  }
  record.web3signer_copy = json["web3signerCopy"].get<bool>();
  record.sealer = text_member(json, "sealer");
  if (!json.contains("sealed") || !json["sealed"].is_object()) throw damaged("'sealed' is missing or not an object");
  record.sealed = json["sealed"];
  return record;
}

nlohmann::json public_view(const KeyRecord& record) {
  nlohmann::json json = members_of(record);
  json.erase("sealed");
  json.erase("format");
  return json;
}

}  // namespace cryftee::key_store
