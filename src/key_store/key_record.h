#pragma once
// One key store record: a key's public facts in the clear and its secret sealed, as one JSON file named
// after the key's handle. An "integrity" member (SHA-256 over the RFC 8785 canonical form of every other
// member) tells a damaged file apart from one sealed under another passphrase or TPM.
//
//   {"format": "cryftee-key-record/1", "kind": "bls"|"tls"|"attestation", "handle": "bls-…",
//    "publicKey": "0x…", "proofOfPossession": "0x…" (bls), "certificatePEM", "nodeId" (tls),
//    "createdAt": RFC 3339, "origin": "generate"|"import"|"web3signer", "web3signerCopy": bool,
//    "sealer": "tpm"|"passphrase", "sealed": {the sealer's blob}, "integrity": "sha256:<hex>"}
//
// What the secret is, per kind: bls the 32-byte big-endian scalar, tls the 32-byte big-endian P-256
// private scalar, attestation the 32-byte Ed25519 seed (each small enough for a TPM seal).
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace cryftee::key_store {

inline constexpr std::string_view kRecordFormat = "cryftee-key-record/1";
inline constexpr std::string_view kRecordSuffix = ".json";

enum class KeyKind { Bls, Tls, Attestation };

std::string_view kind_name(KeyKind kind) noexcept;

struct KeyRecord {
  KeyKind kind = KeyKind::Bls;
  std::string handle;
  std::string public_key;  // "0x" hex
  std::optional<std::string> proof_of_possession;  // bls, "0x" hex
  std::optional<std::string> certificate_pem;      // tls
  std::optional<std::string> node_id;              // tls
  std::string created_at;
  std::string origin;  // how the key came: generate, import, web3signer
  bool web3signer_copy = false;  // Web3Signer holds the same key
  std::string sealer;
  nlohmann::json sealed;  // the sealer's blob; never the secret itself
};

// The record's file name in the store: its handle plus kRecordSuffix.
std::string record_file_name(std::string_view handle);
// Whether a file name is one a record could have (a handle of a known kind, then kRecordSuffix).
bool is_record_file_name(std::string_view name) noexcept;

// The file text, integrity member included.
std::string record_text(const KeyRecord& record);
// Parses and checks a record's text: format, members, integrity. Throws cryftee::Error 422
// "damaged_record" naming what is wrong.
KeyRecord parse_record(std::string_view text);

// The public facts, as status and attestation show them (no "sealed" blob).
nlohmann::json public_view(const KeyRecord& record);

}  // namespace cryftee::key_store
