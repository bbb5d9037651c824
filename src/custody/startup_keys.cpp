#include "custody/startup_keys.h"

#include "crypto/bls.h"
#include "custody/custody.h"
#include "util/encoding.h"
#include "util/error.h"
#include "util/log.h"

namespace cryftee {

std::optional<std::string> load_startup_keys(const Config& config, Custody& custody) {
  const Web3SignerSettings& settings = config.web3signer;
  if (settings.key_material) {
    std::optional<Bytes> secret = base64_decode(*settings.key_material);
    if (!secret || secret->size() != bls::kSecretKeySize) {
      if (secret) secure_zero(*secret);
      throw bad_request("CRYFTEE_WEB3SIGNER_KEY_MATERIAL is not a base64 32-byte BLS secret key", "invalid_key_material");
    }
    BlsKeyInfo key;
    try {
      key = custody.bls_import(*secret);
    } catch (...) {
      secure_zero(*secret);
      throw;
    }
    secure_zero(*secret);
    log::info("startup_key_loaded", {{"keyHandle", key.handle}, {"source", "key_material"}});
    return key.handle;
  }
  if (settings.ephemeral) {
    const BlsKeyInfo key = custody.bls_generate_ephemeral();
    log::info("startup_key_loaded", {{"keyHandle", key.handle}, {"source", "ephemeral"}});
    return key.handle;
  }
  return std::nullopt;
}

}  // namespace cryftee
