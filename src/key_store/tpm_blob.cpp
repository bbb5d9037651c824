#include "key_store/tpm_blob.h"

#include <tss2/tss2_mu.h>

#include <string>

#include "crypto/aes_gcm.h"
#include "util/encoding.h"
#include "util/error.h"

namespace cryftee::key_store::tpm {
namespace {

constexpr const char* kFormat = "tpm2-aes256gcm/1";
constexpr std::size_t kSha256Size = 32;

Error damaged(const std::string& what) {
  return unprocessable("the TPM-sealed blob is damaged: " + what, "sealed_blob_damaged");
}

template <typename T, auto Marshal>
std::string marshalled_base64(const T& value) {
  Bytes buffer(sizeof(T));
  size_t offset = 0;
  if (Marshal(&value, buffer.data(), buffer.size(), &offset) != TSS2_RC_SUCCESS) {
    throw internal_error("cannot marshal a TPM structure", "tpm_error");
  }
  buffer.resize(offset);
  return base64_encode(buffer);
}

const std::string& text_field(const nlohmann::json& sealed, const char* name) {
  auto field = sealed.find(name);
  if (field == sealed.end() || !field->is_string()) throw damaged(std::string("'") + name + "' is missing");
  return field->get_ref<const std::string&>();
}

// The whole field must be exactly one marshalled structure: nothing missing, nothing left over.
template <typename T, auto Unmarshal>
T unmarshalled(const nlohmann::json& sealed, const char* name) {
  std::optional<Bytes> bytes = base64_decode(text_field(sealed, name));
  if (!bytes) throw damaged(std::string("'") + name + "' is not base64");
  T value{};
  size_t offset = 0;
  if (Unmarshal(bytes->data(), bytes->size(), &offset, &value) != TSS2_RC_SUCCESS || offset != bytes->size()) {
    throw damaged(std::string("'") + name + "' is not a marshalled TPM structure");
  }
  return value;
}

std::vector<PcrValue> pcrs_from(const nlohmann::json& sealed) {
  auto field = sealed.find("pcrs");
  if (field == sealed.end() || !field->is_array()) throw damaged("'pcrs' is missing");
  std::vector<PcrValue> pcrs;
  for (const nlohmann::json& entry : *field) {
    if (!entry.is_object() || !entry.contains("index") || !entry["index"].is_number_unsigned()) {
      throw damaged("a PCR entry has no index");
    }
    const auto index = entry["index"].get<std::uint64_t>();
    if (index >= kPcrCount || (!pcrs.empty() && index <= pcrs.back().index)) {
      throw damaged("the PCR indexes are not ascending PCRs 0 to " + std::to_string(kPcrCount - 1));
    }
    std::optional<Bytes> value;
    if (entry.contains("sha256") && entry["sha256"].is_string()) value = hex_decode(entry["sha256"].get<std::string>());
    if (!value || value->size() != kSha256Size) {
      throw damaged("PCR " + std::to_string(index) + " has no 32-byte SHA-256 value");
    }
    pcrs.push_back({static_cast<unsigned>(index), std::move(*value)});
  }
  return pcrs;
}

}  // namespace

nlohmann::json SealedBlob::to_json() const {
  nlohmann::json pcr_list = nlohmann::json::array();
  for (const PcrValue& pcr : pcrs) pcr_list.push_back({{"index", pcr.index}, {"sha256", hex_encode(pcr.sha256)}});
  return {{"format", kFormat},
          {"storageKey", hex_encode(storage_key_name)},
          {"public", marshalled_base64<TPM2B_PUBLIC, Tss2_MU_TPM2B_PUBLIC_Marshal>(public_area)},
          {"private", marshalled_base64<TPM2B_PRIVATE, Tss2_MU_TPM2B_PRIVATE_Marshal>(private_area)},
          {"pcrs", std::move(pcr_list)},
          {"ciphertext", base64_encode(ciphertext)}};
}

SealedBlob SealedBlob::from_json(const nlohmann::json& sealed) {
  if (!sealed.is_object()) throw damaged("it is not a JSON object");
  if (text_field(sealed, "format") != kFormat) {
    throw damaged("its format is not '" + std::string(kFormat) + "'");
  }
  SealedBlob blob;
  std::optional<Bytes> name = hex_decode(text_field(sealed, "storageKey"));
  if (!name || name->empty()) throw damaged("'storageKey' is not a hex TPM name");
  blob.storage_key_name = std::move(*name);
  blob.public_area = unmarshalled<TPM2B_PUBLIC, Tss2_MU_TPM2B_PUBLIC_Unmarshal>(sealed, "public");
  blob.private_area = unmarshalled<TPM2B_PRIVATE, Tss2_MU_TPM2B_PRIVATE_Unmarshal>(sealed, "private");
  if (blob.public_area.publicArea.type != TPM2_ALG_KEYEDHASH) throw damaged("'public' is not a sealed data object");
  blob.pcrs = pcrs_from(sealed);
  std::optional<Bytes> ciphertext = base64_decode(text_field(sealed, "ciphertext"));
  if (!ciphertext || ciphertext->size() < aes_gcm::kNonceSize + aes_gcm::kTagSize) {
    throw damaged("'ciphertext' is not base64 of a nonce, ciphertext and tag");
  }
  blob.ciphertext = std::move(*ciphertext);
  return blob;
}

}  // namespace cryftee::key_store::tpm
