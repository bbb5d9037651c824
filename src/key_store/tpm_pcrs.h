#pragma once
// The PCRs a TPM seal is bound to: which ones (SHA-256 bank only), their values read from the TPM, and
// the digest TPM2_PolicyPCR compares against.
#include <tss2/tss2_esys.h>

#include <vector>

#include "key_store/tpm_connection.h"
#include "util/bytes.h"

namespace cryftee::key_store::tpm {

// PC Client TPMs have 24 PCRs per bank (0-23).
inline constexpr unsigned kPcrCount = 24;

struct PcrValue {
  unsigned index = 0;
  Bytes sha256;  // 32 bytes
};

// Indexes sorted and without repeats, each checked against kPcrCount. Throws Error 400
// "invalid_tpm_pcrs".
std::vector<unsigned> normalised_pcrs(std::vector<unsigned> indexes);

// A selection of the given (normalised) indexes in the SHA-256 bank.
TPML_PCR_SELECTION sha256_selection(const std::vector<unsigned>& indexes);
TPML_PCR_SELECTION sha256_selection(const std::vector<PcrValue>& values);

// The current values, in the order of `indexes`. Throws Error 503 "tpm_unavailable" when the TPM does
// not answer and 500 "tpm_error" when it has no SHA-256 bank holding one of them.
std::vector<PcrValue> read_pcrs(const Connection& tpm, const std::vector<unsigned>& indexes);

// SHA-256 over the values in ascending index order: what TPM2_PolicyPCR computes from the live PCRs.
TPM2B_DIGEST pcr_digest(const std::vector<PcrValue>& values);

}  // namespace cryftee::key_store::tpm
