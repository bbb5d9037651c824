#pragma once
// Ed25519 (RFC 8032) through OpenSSL: publisher signatures on manifest entries and the attestation key.
#include <filesystem>

#include "util/bytes.h"

namespace cryftee {

inline constexpr std::size_t kEd25519PublicKeySize = 32;
inline constexpr std::size_t kEd25519SeedSize = 32;
inline constexpr std::size_t kEd25519SignatureSize = 64;

struct Ed25519KeyPair {
  Bytes seed;        // 32-byte private seed: a secret; callers zero it (secure_zero) when done
  Bytes public_key;  // 32 bytes
};

Ed25519KeyPair ed25519_generate();
Bytes ed25519_public_key(ByteView seed);
Bytes ed25519_sign(ByteView seed, ByteView message);
// False for a wrong key, a wrong signature, or inputs of the wrong size; never throws.
bool ed25519_verify(ByteView public_key, ByteView message, ByteView signature);

// Private keys on disk are PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----"), written with mode 0600.
void ed25519_write_private_pem(const std::filesystem::path& path, ByteView seed);
// Throws cryftee::Error naming the file when it is missing, unreadable or not an Ed25519 key.
Ed25519KeyPair ed25519_read_private_pem(const std::filesystem::path& path);

}  // namespace cryftee
