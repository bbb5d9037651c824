#pragma once
// The TPM 2.0 sealer (tpm2-tss ESAPI): a random data key is sealed as a TPM data object under a primary
// storage key that is recreated from the standard storage template at every start, so nothing has to
// persist inside the TPM, and the secret is encrypted under the data key (AES-256-GCM). With PCRs
// selected, the object's policy binds it to their SHA-256 values at seal time: a changed boot chain
// cannot unseal. The blob's layout: key_store/tpm_blob.h.
#include <memory>
#include <string>
#include <vector>

#include "key_store/sealer.h"

namespace cryftee::key_store {

struct TpmOptions {
  // tpm2-tss TCTI configuration, e.g. "device:/dev/tpmrm0" or "swtpm:host=127.0.0.1,port=2321".
  std::string tcti = "device:/dev/tpmrm0";
  // PCR indexes of the SHA-256 bank the seal is bound to; empty: no PCR policy.
  std::vector<unsigned> pcrs;
};

// Opens the TPM and checks that it answers. Throws cryftee::Error 503 "tpm_unavailable" with the TCTI
// and the TPM's own reason when it does not.
std::unique_ptr<Sealer> make_tpm_sealer(const TpmOptions& options);

}  // namespace cryftee::key_store
