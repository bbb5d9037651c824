#pragma once
// Keys cryftgo hands over when it starts the daemon: CRYFTEE_WEB3SIGNER_KEY_MATERIAL (a base64 BLS secret,
// Config::web3signer.key_material) is imported into custody (and kept in the key store when it is
// durable, so the key is found again even if cryftgo stops handing it over); CRYFTEE_WEB3SIGNER_EPHEMERAL
// without key material gives a freshly generated key for this process only. Either way status lists the
// key before the first request.
#include <optional>
#include <string>

#include "config/config.h"

namespace cryftee {

class Custody;  // custody/custody.h

// Returns the handle of the key made available, nullopt when the configuration asks for none. Throws
// cryftee::Error (400) when the key material is not a valid 32-byte BLS secret; the message never
// contains the material.
std::optional<std::string> load_startup_keys(const Config& config, Custody& custody);

}  // namespace cryftee
