#pragma once
// AES-256-GCM under a random 96-bit nonce, for secrets encrypted under a key that is itself kept
// elsewhere (the TPM sealer's data key). The sealed form is nonce || ciphertext || tag.
#include <optional>

#include "util/bytes.h"

namespace cryftee::aes_gcm {

inline constexpr std::size_t kKeySize = 32;
inline constexpr std::size_t kNonceSize = 12;
inline constexpr std::size_t kTagSize = 16;

// `key` has kKeySize bytes. Throws cryftee::Error 500 when OpenSSL fails.
Bytes seal(ByteView key, ByteView plaintext);
// nullopt when `sealed` is too short or fails authentication under `key`; never partial bytes.
std::optional<Bytes> open(ByteView key, ByteView sealed);

}  // namespace cryftee::aes_gcm
