#pragma once
// A sealer turns a key's secret bytes into a blob that only this machine (tpm) or this operator
// (passphrase) can open again, and back. The key store writes the blob into the key's record next to the
// key's public facts; the blob's layout is the sealer's own business (one sealer per file:
// tpm_sealer.h, passphrase_sealer.h, none_sealer.h).
//
// Errors (cryftee::Error): unseal() fails with a reason an operator can act on — a wrong passphrase,
// another TPM, changed PCR values, a damaged blob — and never returns partial bytes. No message, log line
// or exception text ever contains secret bytes or a passphrase.
#include <string_view>

#include <nlohmann/json.hpp>

#include "util/bytes.h"

namespace cryftee::key_store {

class Sealer {
 public:
  virtual ~Sealer() = default;

  // "tpm", "passphrase" or "none": written into every record and shown in status and attestation.
  virtual std::string_view kind() const noexcept = 0;
  // False only for "none": what it holds is gone when the process ends.
  virtual bool durable() const noexcept = 0;

  // Seals `secret`. `label` is public context (the key handle) bound into the seal where the sealer can,
  // so a blob moved into another record does not open there. The caller keeps and zeroes `secret`.
  virtual nlohmann::json seal(ByteView secret, std::string_view label) = 0;
  // Opens what seal() made for the same label. The caller zeroes the bytes it gets back.
  virtual Bytes unseal(const nlohmann::json& sealed, std::string_view label) = 0;

  // Public facts for status and attestation (e.g. the TPM's PCR selection and current values); no secret.
  virtual nlohmann::json describe() const = 0;
};

}  // namespace cryftee::key_store
