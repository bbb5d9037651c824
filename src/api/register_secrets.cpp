#include "api/register_secrets.h"

#include "api/json_body.h"
#include "crypto/bls.h"
#include "crypto/eip2335.h"
#include "custody/custody.h"
#include "util/bytes.h"
#include "util/encoding.h"
#include "util/error.h"

namespace cryftee::api {
namespace {

constexpr std::size_t kBlsSecretSize = 32;
constexpr std::size_t kMaxKeystoreTextBytes = 64 * 1024;

// Fields that carry secrets; never passed to a module.
constexpr const char* kSecretFields[] = {"ephemeralKeyB64", "password", "keystore", "privateKeyPEM"};

bool present(const nlohmann::json& body, const char* field) {
  auto it = body.find(field);
  return it != body.end() && !it->is_null();
}

const std::string& string_field(nlohmann::json& body, const char* field, const char* what) {
  auto it = body.find(field);
  if (it == body.end() || !it->is_string()) throw bad_request(std::string("'") + field + "' must be " + what, "invalid_field");
  return it->get_ref<const std::string&>();
}

// Imports a BLS secret, zeroing it whatever happens.
std::string import_bls_secret(Bytes& secret, Custody& custody) {
  try {
    std::string handle = custody.bls_import(secret).handle;
    secure_zero(secret);
    return handle;
  } catch (...) {
    secure_zero(secret);
    throw;
  }
}

std::string import_ephemeral_key(nlohmann::json& body, Custody& custody) {
  const std::string mode = optional_string_member(body, "mode");
  if (mode != "ephemeral" && mode != "generate") {
    throw bad_request("'ephemeralKeyB64' is read only with mode 'ephemeral' or 'generate'", "invalid_field");
  }
  const std::string& text = string_field(body, "ephemeralKeyB64", "a base64 string");
  std::optional<Bytes> secret = base64_decode(text);
  if (!secret || secret->size() != kBlsSecretSize) {
    if (secret) secure_zero(*secret);
    throw bad_request("'ephemeralKeyB64' must be a 32-byte BLS secret key, base64", "invalid_field");
  }
  return import_bls_secret(*secret, custody);
}

// The keystore of a mode "import" request (a JSON object, or its text), checked against the EIP-2335
// bounds without deriving anything; the password must be there too.
nlohmann::json checked_keystore(const nlohmann::json& body) {
  if (optional_string_member(body, "mode") != "import") {
    throw bad_request("'keystore' is read only with mode 'import'", "invalid_field");
  }
  nlohmann::json keystore = body["keystore"];
  if (keystore.is_string()) {
    const std::string& text = keystore.get_ref<const std::string&>();
    if (text.size() > kMaxKeystoreTextBytes) throw bad_request("'keystore' is larger than 64 KiB", "invalid_keystore");
    keystore = nlohmann::json::parse(text, nullptr, false);
  }
  if (!keystore.is_object()) {
    throw bad_request("'keystore' must be an EIP-2335 keystore: a JSON object or its text", "invalid_keystore");
  }
  if (!present(body, "password")) {
    throw bad_request("mode 'import' needs 'password', the keystore's password", "missing_field");
  }
  eip2335_check(keystore);
  return keystore;
}

bool is_bls_operation(std::string_view operation) { return !operation.starts_with("tls_"); }

// mode "import": an EIP-2335 keystore and the password that unlocks it.
std::string import_keystore(nlohmann::json& body, Custody& custody) {
  const nlohmann::json keystore = checked_keystore(body);
  const std::string& password = string_field(body, "password", "a string");
  Bytes secret = eip2335_decrypt(keystore, password);
  if (keystore.contains("pubkey")) {
    const Bytes declared = eip2335_public_key(keystore);
    bls::PublicKey derived{};
    try {
      derived = bls::SecretKey::from_bytes(secret).public_key();
    } catch (...) {
      secure_zero(secret);
      throw;
    }
    if (!std::equal(declared.begin(), declared.end(), derived.begin(), derived.end())) {
      secure_zero(secret);
      throw bad_request("the keystore decrypts to a key whose public key is not the keystore's 'pubkey'",
                        "keystore_pubkey_mismatch");
    }
  }
  return import_bls_secret(secret, custody);
}

std::string take_bls_secrets(nlohmann::json& body, Custody& custody) {
  const bool has_raw = present(body, "ephemeralKeyB64");
  const bool has_keystore = present(body, "keystore");
  if (has_raw && has_keystore) {
    throw bad_request("send either 'ephemeralKeyB64' or 'keystore', not both", "invalid_field");
  }
  if (has_raw) return import_ephemeral_key(body, custody);
  if (has_keystore) return import_keystore(body, custody);
  if (optional_string_member(body, "mode") == "ephemeral") return custody.bls_generate_ephemeral().handle;
  return {};
}

constexpr const char* kCertificateFields[] = {"certificatePEM", "certChainPEM"};

std::string take_tls_secrets(nlohmann::json& body, Custody& custody) {
  if (!present(body, "privateKeyPEM")) {
    // A certificate alone would be ignored and a fresh identity made: refuse rather than surprise.
    for (const char* field : kCertificateFields) {
      if (present(body, field)) {
        throw bad_request(std::string("'") + field + "' is read only together with 'privateKeyPEM', the key it certifies",
                          "invalid_field");
      }
    }
    return {};
  }
  if (optional_string_member(body, "mode") == "verify") {
    throw bad_request("'privateKeyPEM' is read only when registering a key, not with mode 'verify'", "invalid_field");
  }
  const std::string& key_pem = string_field(body, "privateKeyPEM", "a PEM private key (PKCS#8 or SEC1)");
  std::optional<std::string> certificate_pem;
  for (const char* field : kCertificateFields) {
    if (present(body, field)) {
      certificate_pem = string_field(body, field, "a PEM certificate");
      break;
    }
  }
  return custody.tls_import(key_pem, certificate_pem).handle;
}

void erase_secrets(nlohmann::json& body) {
  for (const char* field : kSecretFields) {
    auto it = body.find(field);
    if (it == body.end()) continue;
    if (it->is_string()) secure_zero(it->get_ref<std::string&>());
    body.erase(it);
  }
}

}  // namespace

void take_register_secrets(std::string_view operation, nlohmann::json& body, Custody& custody) {
  body.erase("keyHandle");
  std::string handle;
  try {
    handle = is_bls_operation(operation) ? take_bls_secrets(body, custody) : take_tls_secrets(body, custody);
  } catch (...) {
    erase_secrets(body);
    throw;
  }
  erase_secrets(body);
  if (!handle.empty()) body["keyHandle"] = handle;
}

bool needs_key_derivation(std::string_view operation, const nlohmann::json& body) {
  if (!is_bls_operation(operation)) return false;
  // "persistent" encrypts a new key into a keystore for Web3Signer (host_web3signer.cpp).
  if (optional_string_member(body, "mode") == "persistent") return true;
  if (!present(body, "keystore") || present(body, "ephemeralKeyB64")) return false;
  checked_keystore(body);
  return true;
}

}  // namespace cryftee::api
