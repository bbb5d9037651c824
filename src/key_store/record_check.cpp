#include "key_store/record_check.h"

#include "crypto/bls.h"
#include "crypto/ed25519.h"
#include "crypto/p256.h"
#include "util/encoding.h"
#include "util/error.h"

namespace cryftee::key_store {

void require_secret_matches(const KeyRecord& record, ByteView secret) {
  std::string derived;
  switch (record.kind) {
    case KeyKind::Bls: derived = "0x" + hex_encode(bls::SecretKey::from_bytes(secret).public_key()); break;
    case KeyKind::Tls: derived = "0x" + hex_encode(p256::PrivateKey::from_scalar(secret).public_key()); break;
    case KeyKind::Attestation:
      if (secret.size() != kEd25519SeedSize) break;
      derived = "0x" + hex_encode(ed25519_public_key(secret));
      break;
  }
  if (derived != record.public_key) {
    throw unprocessable("record " + record.handle + " is damaged: its sealed secret is not the key " + record.public_key,
                        "damaged_record");
  }
}

}  // namespace cryftee::key_store
