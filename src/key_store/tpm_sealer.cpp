#include "key_store/tpm_sealer.h"

#include <cstring>
#include <mutex>
#include <string>

#include <openssl/rand.h>

#include "crypto/aes_gcm.h"
#include "crypto/sha256.h"
#include "key_store/tpm_blob.h"
#include "key_store/tpm_connection.h"
#include "key_store/tpm_pcrs.h"
#include "util/encoding.h"
#include "util/error.h"

namespace cryftee::key_store {
namespace {

using tpm::Connection;
using tpm::EsysResult;
using tpm::Failure;
using tpm::PcrValue;
using tpm::SealedBlob;
using tpm::Transient;

// Domain separation for the authorization value derived from a record's label.
constexpr std::string_view kLabelAuthContext = "cryftee tpm seal label v1";

// The ECC NIST P-256 storage root key template of the TCG TPM v2.0 Provisioning Guidance (7.5.1). The TPM
// derives the key from its owner seed, so the same template gives the same key on the same TPM at every
// start, and a different key on any other TPM or after the owner hierarchy is cleared.
TPM2B_PUBLIC storage_key_template() {
  TPM2B_PUBLIC key{};
  TPMT_PUBLIC& area = key.publicArea;
  area.type = TPM2_ALG_ECC;
  area.nameAlg = TPM2_ALG_SHA256;
  area.objectAttributes = TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT | TPMA_OBJECT_SENSITIVEDATAORIGIN |
                          TPMA_OBJECT_USERWITHAUTH | TPMA_OBJECT_NODA | TPMA_OBJECT_RESTRICTED |
                          TPMA_OBJECT_DECRYPT;
  TPMS_ECC_PARMS& ecc = area.parameters.eccDetail;
  ecc.symmetric.algorithm = TPM2_ALG_AES;
  ecc.symmetric.keyBits.aes = 128;
  ecc.symmetric.mode.aes = TPM2_ALG_CFB;
  ecc.scheme.scheme = TPM2_ALG_NULL;
  ecc.curveID = TPM2_ECC_NIST_P256;
  ecc.kdf.scheme = TPM2_ALG_NULL;
  area.unique.ecc.x.size = 32;
  area.unique.ecc.y.size = 32;
  return key;
}

// A data object only the TPM that made it can load (fixedTPM, fixedParent). Its authorization value comes
// from the label; with PCRs it is usable only through `policy` (PCR values + that authorization value).
// noDA: the authorization value guards against mix-ups, not guessing, so failures must not lock the TPM.
TPM2B_PUBLIC sealed_object_template(const TPM2B_DIGEST& policy) {
  TPM2B_PUBLIC object{};
  TPMT_PUBLIC& area = object.publicArea;
  area.type = TPM2_ALG_KEYEDHASH;
  area.nameAlg = TPM2_ALG_SHA256;
  area.objectAttributes = TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT | TPMA_OBJECT_NODA;
  if (policy.size == 0) area.objectAttributes |= TPMA_OBJECT_USERWITHAUTH;
  area.authPolicy = policy;
  area.parameters.keyedHashDetail.scheme.scheme = TPM2_ALG_NULL;
  return object;
}

TPM2B_AUTH label_auth(std::string_view label) {
  Bytes input(kLabelAuthContext.begin(), kLabelAuthContext.end());
  input.push_back(0);
  input.insert(input.end(), label.begin(), label.end());
  const Sha256Digest digest = sha256(input);
  TPM2B_AUTH auth{};
  auth.size = static_cast<UINT16>(digest.size());
  std::memcpy(auth.buffer, digest.data(), digest.size());
  return auth;
}

// Zeroes a structure that held secret bytes on every way out of the scope.
template <typename T>
struct WipedOnExit {
  T value{};
  ~WipedOnExit() { secure_zero(&value, sizeof value); }
};

struct WipedBytes {
  Bytes bytes;
  ~WipedBytes() { secure_zero(bytes); }
};

WipedBytes random_data_key() {
  WipedBytes key{Bytes(aes_gcm::kKeySize)};
  if (RAND_bytes(key.bytes.data(), static_cast<int>(key.bytes.size())) != 1) {
    throw internal_error("the system random generator failed", "random_failed");
  }
  return key;
}

ESYS_TR create_storage_key(const Connection& tpm) {
  const TPM2B_SENSITIVE_CREATE no_secret{};
  const TPM2B_PUBLIC key_template = storage_key_template();
  const TPM2B_DATA no_outside_info{};
  const TPML_PCR_SELECTION no_creation_pcrs{};
  ESYS_TR key = ESYS_TR_NONE;
  const TSS2_RC rc = Esys_CreatePrimary(tpm.esys(), ESYS_TR_RH_OWNER, ESYS_TR_PASSWORD, ESYS_TR_NONE,
                                        ESYS_TR_NONE, &no_secret, &key_template, &no_outside_info,
                                        &no_creation_pcrs, &key, nullptr, nullptr, nullptr, nullptr);
  if (tpm::classify(rc) == Failure::bad_auth) {
    throw unavailable("the TPM at TCTI '" + tpm.tcti() +
                          "' has an owner hierarchy password, so Cryftee cannot create its storage key there (" +
                          tpm::rc_text(rc) + ")",
                      "tpm_unavailable");
  }
  tpm.check(rc, "creating the storage key");
  return key;
}

Bytes name_of(const Connection& tpm, ESYS_TR object) {
  TPM2B_NAME* name = nullptr;
  const TSS2_RC rc = Esys_TR_GetName(tpm.esys(), object, &name);
  EsysResult<TPM2B_NAME> owner(name);
  tpm.check(rc, "reading the storage key's name");
  return Bytes(name->name, name->name + name->size);
}

// An HMAC or policy session salted with the storage key (so its session key is secret even to someone
// watching the bus) and able to encrypt the first parameter; a trial session needs neither.
ESYS_TR start_session(const Connection& tpm, ESYS_TR storage_key, TPM2_SE type) {
  const bool trial = type == TPM2_SE_TRIAL;
  TPMT_SYM_DEF symmetric{};
  symmetric.algorithm = trial ? TPM2_ALG_NULL : TPM2_ALG_AES;
  if (!trial) {
    symmetric.keyBits.aes = 128;
    symmetric.mode.aes = TPM2_ALG_CFB;
  }
  ESYS_TR session = ESYS_TR_NONE;
  const TSS2_RC rc = Esys_StartAuthSession(tpm.esys(), trial ? ESYS_TR_NONE : storage_key, ESYS_TR_NONE,
                                           ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, nullptr, type, &symmetric,
                                           TPM2_ALG_SHA256, &session);
  tpm.check(rc, "starting a session");
  return session;
}

void set_session_attributes(const Connection& tpm, ESYS_TR session, TPMA_SESSION attributes) {
  tpm.check(Esys_TRSess_SetAttributes(tpm.esys(), session, attributes | TPMA_SESSION_CONTINUESESSION, 0xFF),
            "setting session attributes");
}

std::vector<unsigned> indexes_of(const std::vector<PcrValue>& pcrs) {
  std::vector<unsigned> indexes;
  for (const PcrValue& pcr : pcrs) indexes.push_back(pcr.index);
  return indexes;
}

std::string pcr_list(const std::vector<PcrValue>& pcrs) {
  std::string text;
  for (const PcrValue& pcr : pcrs) text += (text.empty() ? "" : ",") + std::to_string(pcr.index);
  return text.empty() ? "none" : text;
}

Error pcrs_changed(const std::string& detail) {
  return unprocessable("the TPM refuses to unseal: " + detail +
                           ". The boot chain (firmware, boot loader, Secure Boot state) differs from when the key "
                           "was sealed; boot the previous configuration, or restore the key from a backup",
                       "tpm_pcrs_changed");
}

// Binds a session to the PCR values recorded at sealing and to the object's authorization value. In a
// trial session this computes the policy; in a real one the TPM checks the live PCRs against `pcrs`.
void apply_pcr_policy(const Connection& tpm, ESYS_TR session, const std::vector<PcrValue>& pcrs) {
  const TPM2B_DIGEST expected = tpm::pcr_digest(pcrs);
  const TPML_PCR_SELECTION selection = tpm::sha256_selection(pcrs);
  const TSS2_RC rc = Esys_PolicyPCR(tpm.esys(), session, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &expected,
                                    &selection);
  if (tpm::classify(rc) == Failure::value) {
    throw pcrs_changed("the live PCR values do not match those at sealing (" + tpm::rc_text(rc) + ")");
  }
  tpm.check(rc, "applying the PCR policy");
  tpm.check(Esys_PolicyAuthValue(tpm.esys(), session, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE),
            "applying the authorization value policy");
}

TPM2B_DIGEST policy_digest(const Connection& tpm, const std::vector<PcrValue>& pcrs) {
  Transient trial(tpm, start_session(tpm, ESYS_TR_NONE, TPM2_SE_TRIAL));
  apply_pcr_policy(tpm, trial.get(), pcrs);
  TPM2B_DIGEST* digest = nullptr;
  const TSS2_RC rc = Esys_PolicyGetDigest(tpm.esys(), trial.get(), ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &digest);
  EsysResult<TPM2B_DIGEST> owner(digest);
  tpm.check(rc, "computing the PCR policy");
  return *digest;
}

// Names every PCR whose value moved since sealing, before the TPM refuses with a bare policy error.
void refuse_changed_pcrs(const Connection& tpm, const std::vector<PcrValue>& sealed) {
  const std::vector<PcrValue> now = tpm::read_pcrs(tpm, indexes_of(sealed));
  std::string changes;
  for (std::size_t i = 0; i < sealed.size(); ++i) {
    if (now[i].sha256 == sealed[i].sha256) continue;
    changes += (changes.empty() ? "" : "; ") + std::string("PCR ") + std::to_string(sealed[i].index) +
               " (SHA-256) changed since sealing: was " + hex_encode(sealed[i].sha256) + ", is " +
               hex_encode(now[i].sha256);
  }
  if (!changes.empty()) throw pcrs_changed(changes);
}

class TpmSealer final : public Sealer {
 public:
  explicit TpmSealer(TpmOptions options) : options_(std::move(options)) {
    // Proves the TPM answers, owns a usable owner hierarchy and a SHA-256 bank with the chosen PCRs.
    Connection tpm(options_.tcti);
    Transient storage_key(tpm, create_storage_key(tpm));
    storage_key_name_ = name_of(tpm, storage_key.get());
    tpm::read_pcrs(tpm, options_.pcrs);
  }

  std::string_view kind() const noexcept override { return "tpm"; }
  bool durable() const noexcept override { return true; }

  nlohmann::json seal(ByteView secret, std::string_view label) override {
    std::lock_guard lock(mutex_);
    Connection tpm(options_.tcti);
    Transient storage_key(tpm, create_storage_key(tpm));
    SealedBlob blob;
    blob.storage_key_name = name_of(tpm, storage_key.get());
    blob.pcrs = tpm::read_pcrs(tpm, options_.pcrs);
    const TPM2B_DIGEST policy = blob.pcrs.empty() ? TPM2B_DIGEST{} : policy_digest(tpm, blob.pcrs);
    const TPM2B_PUBLIC object_template = sealed_object_template(policy);

    const WipedBytes data_key = random_data_key();
    blob.ciphertext = aes_gcm::seal(data_key.bytes, secret);
    WipedOnExit<TPM2B_SENSITIVE_CREATE> sensitive;
    sensitive.value.sensitive.userAuth = label_auth(label);
    sensitive.value.sensitive.data.size = static_cast<UINT16>(data_key.bytes.size());
    std::memcpy(sensitive.value.sensitive.data.buffer, data_key.bytes.data(), data_key.bytes.size());

    // The data key crosses the bus encrypted (decrypt: the first command parameter is the sensitive area).
    Transient session(tpm, start_session(tpm, storage_key.get(), TPM2_SE_HMAC));
    set_session_attributes(tpm, session.get(), TPMA_SESSION_DECRYPT | TPMA_SESSION_ENCRYPT);
    const TPM2B_DATA no_outside_info{};
    const TPML_PCR_SELECTION no_creation_pcrs{};
    TPM2B_PRIVATE* sealed_private = nullptr;
    TPM2B_PUBLIC* sealed_public = nullptr;
    const TSS2_RC rc = Esys_Create(tpm.esys(), storage_key.get(), session.get(), ESYS_TR_NONE, ESYS_TR_NONE,
                                   &sensitive.value, &object_template, &no_outside_info, &no_creation_pcrs,
                                   &sealed_private, &sealed_public, nullptr, nullptr, nullptr);
    EsysResult<TPM2B_PRIVATE> private_owner(sealed_private);
    EsysResult<TPM2B_PUBLIC> public_owner(sealed_public);
    tpm.check(rc, "sealing the secret");
    blob.public_area = *sealed_public;
    blob.private_area = *sealed_private;
    return blob.to_json();
  }

  Bytes unseal(const nlohmann::json& sealed, std::string_view label) override {
    const SealedBlob blob = SealedBlob::from_json(sealed);
    std::lock_guard lock(mutex_);
    Connection tpm(options_.tcti);
    Transient storage_key(tpm, create_storage_key(tpm));
    if (name_of(tpm, storage_key.get()) != blob.storage_key_name) {
      throw unprocessable(
          "the TPM at TCTI '" + tpm.tcti() +
              "' cannot unseal this key: it was sealed by another TPM, or this TPM's owner hierarchy was cleared "
              "since (its storage key " +
              hex_encode(blob.storage_key_name) + " is not this TPM's " + hex_encode(storage_key_name_) +
              "). Run on the machine that sealed it, or restore the key from a backup",
          "tpm_sealed_elsewhere");
    }
    if (!blob.pcrs.empty()) refuse_changed_pcrs(tpm, blob.pcrs);

    ESYS_TR loaded = ESYS_TR_NONE;
    const TSS2_RC load_rc = Esys_Load(tpm.esys(), storage_key.get(), ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE,
                                      &blob.private_area, &blob.public_area, &loaded);
    const Failure load_failure = tpm::classify(load_rc);
    if (load_failure == Failure::integrity || load_failure == Failure::value || load_failure == Failure::parameter) {
      throw unprocessable("the TPM-sealed blob is damaged: the TPM rejects its sealed object (" +
                              tpm::rc_text(load_rc) + ")",
                          "sealed_blob_damaged");
    }
    tpm.check(load_rc, "loading the sealed object");
    Transient object(tpm, loaded);

    WipedOnExit<TPM2B_AUTH> auth;
    auth.value = label_auth(label);
    tpm.check(Esys_TR_SetAuth(tpm.esys(), object.get(), &auth.value), "setting the object's authorization");

    // The data key comes back encrypted (encrypt: the first response parameter is the sealed data).
    Transient session(tpm, start_session(tpm, storage_key.get(), blob.pcrs.empty() ? TPM2_SE_HMAC : TPM2_SE_POLICY));
    if (!blob.pcrs.empty()) apply_pcr_policy(tpm, session.get(), blob.pcrs);
    set_session_attributes(tpm, session.get(), TPMA_SESSION_ENCRYPT);

    TPM2B_SENSITIVE_DATA* data = nullptr;
    const TSS2_RC rc = Esys_Unseal(tpm.esys(), object.get(), session.get(), ESYS_TR_NONE, ESYS_TR_NONE, &data);
    EsysResult<TPM2B_SENSITIVE_DATA> data_owner(data);
    switch (tpm::classify(rc)) {
      case Failure::bad_auth:
        throw unprocessable("the TPM refuses to unseal: the blob was sealed for another key than '" +
                                std::string(label) + "' (" + tpm::rc_text(rc) + ")",
                            "tpm_label_mismatch");
      case Failure::policy:
        throw unprocessable("the TPM-sealed blob is damaged: the PCRs recorded with it (" + pcr_list(blob.pcrs) +
                                ") are not the policy its object was sealed under (" + tpm::rc_text(rc) + ")",
                            "sealed_blob_damaged");
      default:
        tpm.check(rc, "unsealing");
    }
    WipedBytes data_key{Bytes(data->buffer, data->buffer + data->size)};
    secure_zero(data->buffer, data->size);
    std::optional<Bytes> secret = aes_gcm::open(data_key.bytes, blob.ciphertext);
    if (!secret) {
      throw unprocessable("the TPM-sealed blob is damaged: its ciphertext does not open under the key the TPM "
                              "unsealed",
                          "sealed_blob_damaged");
    }
    return std::move(*secret);
  }

  nlohmann::json describe() const override {
    nlohmann::json facts = {{"tcti", options_.tcti},
                            {"storageKey", hex_encode(storage_key_name_)},
                            {"pcrBank", "sha256"},
                            {"pcrs", options_.pcrs}};
    nlohmann::json values = nlohmann::json::object();
    try {
      std::lock_guard lock(mutex_);
      Connection tpm(options_.tcti);
      for (const PcrValue& pcr : tpm::read_pcrs(tpm, options_.pcrs)) {
        values[std::to_string(pcr.index)] = hex_encode(pcr.sha256);
      }
      facts["pcrValues"] = std::move(values);
    } catch (const Error& error) {
      facts["error"] = error.what();
    }
    return facts;
  }

 private:
  const TpmOptions options_;
  Bytes storage_key_name_;
  mutable std::mutex mutex_;  // one conversation with the TPM at a time
};

}  // namespace

std::unique_ptr<Sealer> make_tpm_sealer(const TpmOptions& options) {
  TpmOptions normalised = options;
  normalised.pcrs = tpm::normalised_pcrs(options.pcrs);
  return std::make_unique<TpmSealer>(std::move(normalised));
}

}  // namespace cryftee::key_store
