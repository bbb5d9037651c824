#pragma once
// Which sealer keeps the keys (--sealer, CRYFTEE_SEALER):
//   no --key-data-dir  -> none (nothing is written; an explicit tpm or passphrase is refused)
//   auto               -> when the store already holds records, all sealed by one sealer: that sealer, or
//                         refuse to start saying why it cannot run (never a fallback that would leave
//                         the records unusable). Otherwise tpm when a TPM answers on --tpm-tcti, else
//                         passphrase when one is given, else refuse with one line naming both fixes
//   tpm | passphrase   -> that one, or refuse to start saying why it cannot run
//   none               -> memory only, keys are lost at restart (said in status and the start-up log)
// The passphrase comes from KeyStoreSettings::seal_passphrase (CRYFTEE_SEAL_PASSPHRASE or
// --seal-passphrase-file) or else from the systemd credential kSealPassphraseCredential.
//
// Errors: cryftee::Error 400 "sealer_unavailable" with the one line to show the operator.
#include <memory>

#include "config/config.h"
#include "key_store/sealer.h"

namespace cryftee::key_store {

std::unique_ptr<Sealer> choose_sealer(const Config& config);

}  // namespace cryftee::key_store
