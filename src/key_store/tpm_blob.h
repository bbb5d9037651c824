#pragma once
// What the TPM sealer hands the key store for one secret, as JSON:
//   {"format": "tpm2-aes256gcm/1", "storageKey": hex TPM name of the storage key sealed under,
//    "public": base64 TPM2B_PUBLIC, "private": base64 TPM2B_PRIVATE,
//    "pcrs": [{"index": 7, "sha256": hex value at seal time}, ...],
//    "ciphertext": base64 nonce || AES-256-GCM ciphertext || tag}
// The TPM seals a random data key as a data object (public + private); the secret itself is encrypted
// under that key, so secrets of any size can be sealed (a TPM data object holds at most 128 bytes).
// All of it is public: the private part is encrypted and integrity-protected by the TPM under the storage
// key, which never leaves the TPM. The PCR values are kept so a refusal can name the PCR that changed;
// the TPM enforces the policy in the public part, whatever this JSON says.
#include <tss2/tss2_tpm2_types.h>

#include <vector>

#include <nlohmann/json.hpp>

#include "key_store/tpm_pcrs.h"
#include "util/bytes.h"

namespace cryftee::key_store::tpm {

struct SealedBlob {
  Bytes storage_key_name;
  TPM2B_PUBLIC public_area{};
  TPM2B_PRIVATE private_area{};
  std::vector<PcrValue> pcrs;  // ascending indexes; empty: no PCR policy
  Bytes ciphertext;            // the secret under the sealed data key (crypto/aes_gcm.h)

  nlohmann::json to_json() const;
  // Throws cryftee::Error 422 "sealed_blob_damaged" saying which part is missing or malformed.
  static SealedBlob from_json(const nlohmann::json& sealed);
};

}  // namespace cryftee::key_store::tpm
