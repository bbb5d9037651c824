#pragma once
// Whether an unsealed secret is the key its record's public facts name: a BLS scalar whose public key,
// a P-256 scalar whose point, an Ed25519 seed whose public key is the record's "publicKey". Used when
// records move between stores (`cryftee keys restore`), so a backup can never plant a key under another
// key's name.
#include "key_store/key_record.h"
#include "util/bytes.h"

namespace cryftee::key_store {

// Throws cryftee::Error 422 "damaged_record" when the secret is not the record's key.
void require_secret_matches(const KeyRecord& record, ByteView secret);

}  // namespace cryftee::key_store
