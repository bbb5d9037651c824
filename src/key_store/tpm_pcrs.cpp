#include "key_store/tpm_pcrs.h"

#include <openssl/evp.h>

#include <algorithm>
#include <memory>
#include <string>

#include "util/error.h"

namespace cryftee::key_store::tpm {
namespace {

constexpr std::size_t kSha256Size = 32;

template <typename Indexes, typename IndexOf>
TPML_PCR_SELECTION selection_of(const Indexes& indexes, IndexOf index_of) {
  TPML_PCR_SELECTION selection{};
  selection.count = 1;
  TPMS_PCR_SELECTION& bank = selection.pcrSelections[0];
  bank.hash = TPM2_ALG_SHA256;
  bank.sizeofSelect = kPcrCount / 8;
  for (const auto& entry : indexes) {
    const unsigned index = index_of(entry);
    bank.pcrSelect[index / 8] |= static_cast<BYTE>(1u << (index % 8));
  }
  return selection;
}

}  // namespace

std::vector<unsigned> normalised_pcrs(std::vector<unsigned> indexes) {
  std::sort(indexes.begin(), indexes.end());
  indexes.erase(std::unique(indexes.begin(), indexes.end()), indexes.end());
  if (!indexes.empty() && indexes.back() >= kPcrCount) {
    throw bad_request("PCR " + std::to_string(indexes.back()) + " does not exist; a TPM has PCRs 0 to " +
                          std::to_string(kPcrCount - 1),
                      "invalid_tpm_pcrs");
  }
  return indexes;
}

TPML_PCR_SELECTION sha256_selection(const std::vector<unsigned>& indexes) {
  return selection_of(indexes, [](unsigned index) { return index; });
}

TPML_PCR_SELECTION sha256_selection(const std::vector<PcrValue>& values) {
  return selection_of(values, [](const PcrValue& value) { return value.index; });
}

std::vector<PcrValue> read_pcrs(const Connection& tpm, const std::vector<unsigned>& indexes) {
  // One PCR per read: a TPM returns at most eight digests per TPM2_PCR_Read.
  std::vector<PcrValue> values;
  for (unsigned index : indexes) {
    const TPML_PCR_SELECTION selection = sha256_selection(std::vector<unsigned>{index});
    UINT32 update_counter = 0;
    TPML_PCR_SELECTION* selection_out = nullptr;
    TPML_DIGEST* digests = nullptr;
    const TSS2_RC rc = Esys_PCR_Read(tpm.esys(), ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &selection,
                                     &update_counter, &selection_out, &digests);
    EsysResult<TPML_PCR_SELECTION> selection_owner(selection_out);
    EsysResult<TPML_DIGEST> digests_owner(digests);
    tpm.check(rc, "reading PCR " + std::to_string(index));
    if (digests->count != 1 || digests->digests[0].size != kSha256Size) {
      throw internal_error("the TPM at TCTI '" + tpm.tcti() + "' has no SHA-256 value for PCR " +
                               std::to_string(index) + " (is its SHA-256 PCR bank allocated?)",
                           "tpm_error");
    }
    const TPM2B_DIGEST& digest = digests->digests[0];
    values.push_back({index, Bytes(digest.buffer, digest.buffer + digest.size)});
  }
  return values;
}

TPM2B_DIGEST pcr_digest(const std::vector<PcrValue>& values) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  for (const PcrValue& value : values) EVP_DigestUpdate(ctx.get(), value.sha256.data(), value.sha256.size());
  TPM2B_DIGEST digest{};
  unsigned size = 0;
  EVP_DigestFinal_ex(ctx.get(), digest.buffer, &size);
  digest.size = static_cast<UINT16>(size);
  return digest;
}

}  // namespace cryftee::key_store::tpm
