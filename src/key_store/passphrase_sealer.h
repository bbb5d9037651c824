#pragma once
// The passphrase sealer: AES-256-GCM under a key derived with scrypt from the operator's passphrase. The
// key handle is the GCM associated data, so a blob moved into another record does not open there.
//
// One random scrypt salt per daemon run, and derived keys cached by salt, so a run pays for scrypt once
// to seal and once per distinct salt to open (records written in the same run share a salt; every blob
// has its own random 96-bit nonce).
//
//   sealed = {"format": "scrypt-aes256gcm/1", "kdf": {"n", "r", "p", "salt": hex},
//             "nonce": hex, "ciphertext": hex, "tag": hex}
//
// unseal() errors: 403 "wrong_seal_passphrase" when the tag does not verify (another passphrase, or the
// sealed part was altered); 422 "damaged_record" for a malformed blob or costs above the bounds below.
#include <cstdint>
#include <memory>
#include <string>

#include "key_store/sealer.h"

namespace cryftee::key_store {

struct ScryptCost {
  std::uint64_t n = 1u << 17;  // 128 MiB with r = 8
  std::uint32_t r = 8;
  std::uint32_t p = 1;
};

// Most memory a blob's scrypt parameters may ask for when it is opened.
inline constexpr std::uint64_t kMaxSealScryptMemoryBytes = 512ull << 20;

// Takes the passphrase (a secret) and zeroes the caller's copy. Throws 400 "invalid_seal_passphrase"
// when it is empty.
std::unique_ptr<Sealer> make_passphrase_sealer(std::string& passphrase, ScryptCost cost = {});

}  // namespace cryftee::key_store
