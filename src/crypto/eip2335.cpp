#include "crypto/eip2335.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <array>
#include <memory>

#include "crypto/sha256.h"
#include "util/encoding.h"
#include "util/error.h"
#include "util/unicode.h"

namespace cryftee {
namespace {

constexpr std::size_t kDerivedKeySize = 32;  // dk[0:16] is the AES key, dk[16:32] feeds the checksum
constexpr std::size_t kAesKeySize = 16;
constexpr std::size_t kIvSize = 16;
constexpr std::size_t kSaltSize = 32;
constexpr std::size_t kPublicKeySize = 48;

Error invalid_keystore(const std::string& what) {
  return bad_request("The keystore is not a usable EIP-2335 version 4 keystore: " + what +
                         ". Export it again with a tool that writes EIP-2335 keystores.",
                     "invalid_keystore");
}

// Owns a derived key and zeroes it on every path out.
struct DerivedKey {
  std::array<std::uint8_t, kDerivedKeySize> bytes{};
  ~DerivedKey() { secure_zero(bytes.data(), bytes.size()); }
};

struct KdfParameters {
  Eip2335Kdf kdf = Eip2335Kdf::Scrypt;
  Bytes salt;
  std::uint64_t n = 0;
  std::uint32_t r = 0;
  std::uint32_t p = 0;
  std::uint64_t iterations = 0;
};

void derive_key(const KdfParameters& params, const std::string& normalized_password, DerivedKey& out) {
  const char* name = params.kdf == Eip2335Kdf::Scrypt ? OSSL_KDF_NAME_SCRYPT : OSSL_KDF_NAME_PBKDF2;
  std::unique_ptr<EVP_KDF, decltype(&EVP_KDF_free)> kdf(EVP_KDF_fetch(nullptr, name, nullptr), EVP_KDF_free);
  if (!kdf) throw internal_error(std::string("OpenSSL does not provide the ") + name + " key derivation");
  std::unique_ptr<EVP_KDF_CTX, decltype(&EVP_KDF_CTX_free)> ctx(EVP_KDF_CTX_new(kdf.get()), EVP_KDF_CTX_free);
  if (!ctx) throw internal_error("Could not create a key derivation context; the host may be out of memory");

  // OpenSSL reads these buffers without modifying them; the casts satisfy its non-const parameter types.
  auto* password = const_cast<char*>(normalized_password.data());
  auto* salt = const_cast<std::uint8_t*>(params.salt.data());
  std::uint64_t n = params.n;
  std::uint32_t r = params.r;
  std::uint32_t p = params.p;
  std::uint64_t max_memory = kEip2335MaxScryptMemoryBytes + (1u << 20);  // bound plus OpenSSL's overhead
  unsigned int iterations = static_cast<unsigned int>(params.iterations);
  char digest[] = "SHA256";

  std::array<OSSL_PARAM, 7> list{};
  std::size_t i = 0;
  list[i++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, password, normalized_password.size());
  list[i++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, salt, params.salt.size());
  if (params.kdf == Eip2335Kdf::Scrypt) {
    list[i++] = OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n);
    list[i++] = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r);
    list[i++] = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p);
    list[i++] = OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &max_memory);
  } else {
    list[i++] = OSSL_PARAM_construct_uint(OSSL_KDF_PARAM_ITER, &iterations);
    list[i++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0);
  }
  list[i] = OSSL_PARAM_construct_end();
  // The parameters are within our bounds, so a refusal here is OpenSSL's own check of them (or memory it
  // could not get for them): a property of this keystore, answered as such.
  if (EVP_KDF_derive(ctx.get(), out.bytes.data(), out.bytes.size(), list.data()) != 1) {
    throw invalid_keystore(std::string("OpenSSL refused its ") + name + " parameters");
  }
}

// AES-128-CTR is its own inverse: the same call encrypts and decrypts.
Bytes aes128_ctr(const DerivedKey& key, ByteView iv, ByteView input) {
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  Bytes output(input.size());
  int written = 0;
  int final_written = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_ctr(), nullptr, key.bytes.data(), iv.data()) != 1 ||
      EVP_EncryptUpdate(ctx.get(), output.data(), &written, input.data(), static_cast<int>(input.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), output.data() + written, &final_written) != 1) {
    secure_zero(output);
    throw internal_error("AES-128-CTR failed inside OpenSSL");
  }
  return output;
}

Sha256Digest checksum(const DerivedKey& key, ByteView ciphertext) {
  Bytes input(key.bytes.begin() + kAesKeySize, key.bytes.end());
  input.insert(input.end(), ciphertext.begin(), ciphertext.end());
  Sha256Digest digest = sha256(input);
  secure_zero(input);
  return digest;
}

// Holds the normalised password and zeroes it on every path out.
struct NormalizedPassword {
  std::string text;
  explicit NormalizedPassword(std::string_view password) : text(eip2335_normalize_password(password)) {}
  ~NormalizedPassword() { secure_zero(text); }
};

const nlohmann::json& member(const nlohmann::json& object, const char* key, const std::string& where) {
  if (!object.is_object() || !object.contains(key)) throw invalid_keystore(where + "." + key + " is missing");
  return object.at(key);
}

std::string string_member(const nlohmann::json& object, const char* key, const std::string& where) {
  const auto& value = member(object, key, where);
  if (!value.is_string()) throw invalid_keystore(where + "." + key + " is not a string");
  return value.get<std::string>();
}

std::uint64_t unsigned_member(const nlohmann::json& object, const char* key, const std::string& where) {
  const auto& value = member(object, key, where);
  if (!value.is_number_unsigned()) throw invalid_keystore(where + "." + key + " is not a positive integer");
  return value.get<std::uint64_t>();
}

Bytes hex_member(const nlohmann::json& object, const char* key, const std::string& where) {
  auto bytes = hex_decode(string_member(object, key, where));
  if (!bytes) throw invalid_keystore(where + "." + key + " is not hex");
  return *bytes;
}

KdfParameters read_kdf(const nlohmann::json& kdf) {
  const std::string where = "crypto.kdf";
  const std::string function = string_member(kdf, "function", where);
  const auto& params = member(kdf, "params", where);
  KdfParameters out;
  out.salt = hex_member(params, "salt", where + ".params");
  if (unsigned_member(params, "dklen", where + ".params") != kDerivedKeySize) {
    throw invalid_keystore(where + ".params.dklen must be 32");
  }
  if (function == "scrypt") {
    out.kdf = Eip2335Kdf::Scrypt;
    out.n = unsigned_member(params, "n", where + ".params");
    const std::uint64_t r = unsigned_member(params, "r", where + ".params");
    const std::uint64_t p = unsigned_member(params, "p", where + ".params");
    if (out.n < 2 || (out.n & (out.n - 1)) != 0) throw invalid_keystore("scrypt n must be a power of two above 1");
    if (r == 0 || p == 0 || r > UINT32_MAX || p > UINT32_MAX) throw invalid_keystore("scrypt r and p must be positive");
    // scrypt needs about 128 * r * (n + p + 2) bytes; checked in steps so nothing can overflow.
    const std::uint64_t blocks = r > kEip2335MaxScryptMemoryBytes / 128 ? 0 : kEip2335MaxScryptMemoryBytes / (128 * r);
    if (blocks == 0 || out.n > blocks || p > blocks || out.n + p + 2 > blocks) {
      throw invalid_keystore("its scrypt parameters need more than " +
                             std::to_string(kEip2335MaxScryptMemoryBytes >> 20) + " MiB of memory");
    }
    // Time grows with n * r * p; checked by division so nothing can overflow.
    if (r > kEip2335MaxScryptWork / out.n || p > kEip2335MaxScryptWork / (out.n * r)) {
      throw invalid_keystore("its scrypt parameters ask for more work than n * r * p = " +
                             std::to_string(kEip2335MaxScryptWork) + " (the EIP's default is 2097152)");
    }
    // scrypt's definition (RFC 7914) needs n < 2^(128 * r / 8); OpenSSL refuses anything else.
    if (r < 4 && out.n >= (1ull << (16 * r))) {
      throw invalid_keystore("scrypt n must be below 2^(16 * r) (RFC 7914)");
    }
    out.r = static_cast<std::uint32_t>(r);
    out.p = static_cast<std::uint32_t>(p);
  } else if (function == "pbkdf2") {
    out.kdf = Eip2335Kdf::Pbkdf2;
    if (string_member(params, "prf", where + ".params") != "hmac-sha256") {
      throw invalid_keystore("pbkdf2 prf must be hmac-sha256");
    }
    out.iterations = unsigned_member(params, "c", where + ".params");
    if (out.iterations == 0 || out.iterations > kEip2335MaxPbkdf2Iterations) {
      throw invalid_keystore("pbkdf2 c must be between 1 and " + std::to_string(kEip2335MaxPbkdf2Iterations));
    }
  } else {
    throw invalid_keystore("kdf function '" + function + "' is not supported (accepted: scrypt, pbkdf2)");
  }
  return out;
}

// What decryption needs from a keystore, read and bounded before any work is done.
struct ParsedKeystore {
  KdfParameters kdf;
  Bytes checksum;
  Bytes iv;
  Bytes ciphertext;
};

ParsedKeystore read_keystore(const nlohmann::json& keystore) {
  if (!keystore.is_object()) throw invalid_keystore("it is not a JSON object");
  const auto& version = member(keystore, "version", "keystore");
  if (!version.is_number_integer() || version.get<std::int64_t>() != kEip2335Version) {
    throw invalid_keystore("version must be 4");
  }
  const auto& crypto = member(keystore, "crypto", "keystore");
  ParsedKeystore parsed;
  parsed.kdf = read_kdf(member(crypto, "kdf", "crypto"));

  const auto& checksum_json = member(crypto, "checksum", "crypto");
  if (string_member(checksum_json, "function", "crypto.checksum") != "sha256") {
    throw invalid_keystore("checksum function must be sha256");
  }
  parsed.checksum = hex_member(checksum_json, "message", "crypto.checksum");

  const auto& cipher = member(crypto, "cipher", "crypto");
  if (string_member(cipher, "function", "crypto.cipher") != "aes-128-ctr") {
    throw invalid_keystore("cipher function must be aes-128-ctr");
  }
  parsed.iv = hex_member(member(cipher, "params", "crypto.cipher"), "iv", "crypto.cipher.params");
  if (parsed.iv.size() != kIvSize) throw invalid_keystore("crypto.cipher.params.iv must be 16 bytes");
  parsed.ciphertext = hex_member(cipher, "message", "crypto.cipher");
  if (parsed.ciphertext.size() != kEip2335SecretSize) throw invalid_keystore("crypto.cipher.message must be 32 bytes");
  return parsed;
}

bool is_control_character(char32_t code_point) {
  return code_point <= 0x1F || (code_point >= 0x7F && code_point <= 0x9F);
}

std::string random_uuid_v4() {
  std::array<std::uint8_t, 16> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    throw internal_error("The system random number generator failed");
  }
  bytes[6] = static_cast<std::uint8_t>((bytes[6] & 0x0F) | 0x40);  // version 4
  bytes[8] = static_cast<std::uint8_t>((bytes[8] & 0x3F) | 0x80);  // RFC 4122 variant
  const std::string hex = hex_encode(bytes);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
         hex.substr(20);
}

Bytes random_bytes(std::size_t size) {
  Bytes bytes(size);
  if (RAND_bytes(bytes.data(), static_cast<int>(size)) != 1) {
    throw internal_error("The system random number generator failed");
  }
  return bytes;
}

}  // namespace

std::string eip2335_normalize_password(std::string_view password) {
  auto decomposed = nfkd_utf8(password);
  if (!decomposed) {
    throw bad_request("The keystore password is not valid UTF-8; enter it again as UTF-8 text", "invalid_password");
  }
  // Control characters are single code points in U+0000..U+009F: one byte below 0x80, or the two-byte
  // sequence C2 80..C2 9F. Every other UTF-8 byte is kept as is.
  std::string out;
  out.reserve(decomposed->size());
  const std::string& text = *decomposed;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      if (!is_control_character(byte)) out.push_back(text[i]);
      continue;
    }
    if (byte == 0xC2 && i + 1 < text.size()) {
      const auto next = static_cast<unsigned char>(text[i + 1]);
      const char32_t code_point = ((byte & 0x1Fu) << 6) | (next & 0x3Fu);
      if (is_control_character(code_point)) {
        ++i;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  secure_zero(*decomposed);
  return out;
}

nlohmann::json eip2335_encrypt(ByteView secret, ByteView public_key, std::string_view password,
                               const Eip2335Options& options) {
  if (secret.size() != kEip2335SecretSize) throw bad_request("A BLS secret key is 32 bytes", "invalid_secret");
  if (public_key.size() != kPublicKeySize) {
    throw bad_request("A BLS public key is 48 bytes (compressed G1)", "invalid_public_key");
  }
  NormalizedPassword normalized(password);

  KdfParameters kdf;
  kdf.kdf = options.kdf;
  kdf.salt = random_bytes(kSaltSize);
  nlohmann::json kdf_json;
  if (options.kdf == Eip2335Kdf::Scrypt) {
    kdf.n = options.scrypt_n;
    kdf.r = options.scrypt_r;
    kdf.p = options.scrypt_p;
    kdf_json = {{"function", "scrypt"},
                {"params", {{"dklen", kDerivedKeySize}, {"n", kdf.n}, {"r", kdf.r}, {"p", kdf.p},
                            {"salt", hex_encode(kdf.salt)}}},
                {"message", ""}};
  } else {
    kdf.iterations = options.pbkdf2_iterations;
    kdf_json = {{"function", "pbkdf2"},
                {"params", {{"dklen", kDerivedKeySize}, {"c", kdf.iterations}, {"prf", "hmac-sha256"},
                            {"salt", hex_encode(kdf.salt)}}},
                {"message", ""}};
  }
  // Reading our own parameters back through the decoder applies the same bounds a keystore gets.
  read_kdf(kdf_json);

  DerivedKey key;
  derive_key(kdf, normalized.text, key);
  const Bytes iv = random_bytes(kIvSize);
  const Bytes ciphertext = aes128_ctr(key, iv, secret);
  const Sha256Digest sum = checksum(key, ciphertext);

  nlohmann::json keystore = {
      {"crypto",
       {{"kdf", kdf_json},
        {"checksum", {{"function", "sha256"}, {"params", nlohmann::json::object()}, {"message", hex_encode(sum)}}},
        {"cipher",
         {{"function", "aes-128-ctr"}, {"params", {{"iv", hex_encode(iv)}}}, {"message", hex_encode(ciphertext)}}}}},
      {"pubkey", hex_encode(public_key)},
      {"path", options.path},
      {"uuid", random_uuid_v4()},
      {"version", kEip2335Version}};
  if (!options.description.empty()) keystore["description"] = options.description;
  return keystore;
}

void eip2335_check(const nlohmann::json& keystore) { read_keystore(keystore); }

Bytes eip2335_decrypt(const nlohmann::json& keystore, std::string_view password) {
  const ParsedKeystore parsed = read_keystore(keystore);
  NormalizedPassword normalized(password);
  DerivedKey key;
  derive_key(parsed.kdf, normalized.text, key);
  const Sha256Digest actual = checksum(key, parsed.ciphertext);
  if (parsed.checksum.size() != actual.size() ||
      CRYPTO_memcmp(parsed.checksum.data(), actual.data(), actual.size()) != 0) {
    throw bad_request("The password does not unlock this keystore (checksum mismatch); check the password",
                      "wrong_password");
  }
  return aes128_ctr(key, parsed.iv, parsed.ciphertext);
}

Bytes eip2335_public_key(const nlohmann::json& keystore) {
  Bytes key = hex_member(keystore, "pubkey", "keystore");
  if (key.size() != kPublicKeySize) throw invalid_keystore("pubkey must be 48 bytes of hex");
  return key;
}

}  // namespace cryftee
