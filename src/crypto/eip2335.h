#pragma once
// EIP-2335 BLS12-381 keystores (version 4): a 32-byte secret encrypted with AES-128-CTR under a key
// derived from the password by scrypt or PBKDF2-HMAC-SHA256, with a SHA-256 checksum over
// dk[16:32] + ciphertext that tells a wrong password apart from a right one.
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "util/bytes.h"

namespace cryftee {

inline constexpr std::size_t kEip2335SecretSize = 32;
inline constexpr int kEip2335Version = 4;

// Bounds on what a keystore may ask of us, so a hostile keystore cannot exhaust memory or time. Every
// standard keystore fits: the EIP's scrypt (n = 2^18, r = 8, p = 1: work 2^21, 256 MiB) and pbkdf2
// (c = 2^18) defaults, and the lighter settings tools offer. scrypt's time grows with n * r * p and its
// memory with n * r, so both are bounded; the work bound allows twice the EIP default.
inline constexpr std::uint64_t kEip2335MaxScryptMemoryBytes = 512ull << 20;  // 128 * r * (n + p + 2)
inline constexpr std::uint64_t kEip2335MaxScryptWork = 1ull << 22;           // n * r * p
inline constexpr std::uint64_t kEip2335MaxPbkdf2Iterations = 1ull << 20;    // c, four times the EIP default

enum class Eip2335Kdf { Scrypt, Pbkdf2 };

struct Eip2335Options {
  Eip2335Kdf kdf = Eip2335Kdf::Scrypt;
  // The EIP's recommended costs; tests may lower them to run quickly.
  std::uint64_t scrypt_n = 262'144;
  std::uint32_t scrypt_r = 8;
  std::uint32_t scrypt_p = 1;
  std::uint32_t pbkdf2_iterations = 262'144;
  std::string path;         // EIP-2334 derivation path, "" when the key was not derived
  std::string description;  // optional, omitted when empty
};

// EIP-2335 password normalisation: Unicode NFKD, then every C0 (U+0000..U+001F), DEL (U+007F) and C1
// (U+0080..U+009F) control character removed; returns UTF-8. Throws Error 400 "invalid_password" when the
// password is not valid UTF-8. The result is as secret as the password: callers zero it.
std::string eip2335_normalize_password(std::string_view password);

// Encrypts `secret` (32 bytes) into a version 4 keystore with a fresh random salt, IV and UUID.
// `public_key` is the 48-byte compressed BLS public key of `secret`, written as "pubkey" (hex, no 0x).
nlohmann::json eip2335_encrypt(ByteView secret, ByteView public_key, std::string_view password,
                               const Eip2335Options& options = {});

// Checks everything eip2335_decrypt checks before it derives the key (structure, sizes and the KDF
// bounds above), without the expensive derivation; throws the same Error 400 "invalid_keystore".
void eip2335_check(const nlohmann::json& keystore);

// Decrypts a keystore (as a JSON value) and returns the 32-byte secret; the caller zeroes it
// (secure_zero). Throws Error 400 "wrong_password" when the checksum does not match and Error 400
// "invalid_keystore" when the keystore is malformed, unsupported or asks for more than the bounds
// above. No message names the password or any key material.
Bytes eip2335_decrypt(const nlohmann::json& keystore, std::string_view password);

// The keystore's "pubkey" as 48 bytes, or throws Error 400 "invalid_keystore" when absent or malformed.
Bytes eip2335_public_key(const nlohmann::json& keystore);

}  // namespace cryftee
