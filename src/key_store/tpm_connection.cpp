#include "key_store/tpm_connection.h"

#include <tss2/tss2_rc.h>
#include <tss2/tss2_tctildr.h>

#include <cstdlib>
#include <mutex>

#include "util/error.h"

namespace cryftee::key_store::tpm {
namespace {

// tpm2-tss logs its own warnings to stderr (e.g. every refused connection). Cryftee reports the failure
// itself, with the TSS's reason in the message, so the library stays quiet unless the operator asked for
// its log with TSS2_LOG.
void quiet_tss_log_unless_asked() {
  static std::once_flag once;
  std::call_once(once, [] { setenv("TSS2_LOG", "all+none", /*overwrite=*/0); });
}

// The response code without its layer and, for format-one codes, without the handle, session or
// parameter number it names.
TPM2_RC base_code(TSS2_RC rc) noexcept {
  const TPM2_RC code = rc & 0xFFFu;
  return (code & TPM2_RC_FMT1) ? (code & (TPM2_RC_FMT1 | 0x3Fu)) : code;
}

}  // namespace

Failure classify(TSS2_RC rc) noexcept {
  const TSS2_RC layer = rc & TSS2_RC_LAYER_MASK;
  if (layer != TSS2_TPM_RC_LAYER && layer != TSS2_RESMGR_TPM_RC_LAYER) {
    // Below the TPM: the TCTI, or ESAPI losing its conversation with the TPM.
    switch (rc & ~TSS2_RC_LAYER_MASK) {
      case TSS2_BASE_RC_IO_ERROR:
      case TSS2_BASE_RC_NO_CONNECTION:
      case TSS2_BASE_RC_TRY_AGAIN:
      case TSS2_BASE_RC_NOT_SUPPORTED:
      case TSS2_BASE_RC_MALFORMED_RESPONSE:
        return Failure::unavailable;
      default:
        return layer == TSS2_TCTI_RC_LAYER ? Failure::unavailable : Failure::other;
    }
  }
  switch (base_code(rc)) {
    case TPM2_RC_INTEGRITY:
      return Failure::integrity;
    case TPM2_RC_AUTH_FAIL:
    case TPM2_RC_BAD_AUTH:
      return Failure::bad_auth;
    case TPM2_RC_POLICY_FAIL:
    case TPM2_RC_AUTH_UNAVAILABLE:  // an object with a policy, approached without one
      return Failure::policy;
    case TPM2_RC_VALUE:
      return Failure::value;
    case TPM2_RC_INITIALIZE:
    case TPM2_RC_FAILURE:
    case TPM2_RC_TESTING:
    case TPM2_RC_RETRY:
    case TPM2_RC_YIELDED:
    case TPM2_RC_CANCELED:
      return Failure::unavailable;
    default:
      return (rc & TPM2_RC_FMT1) && (rc & TPM2_RC_P) ? Failure::parameter : Failure::other;
  }
}

std::string rc_text(TSS2_RC rc) { return Tss2_RC_Decode(rc); }

Connection::Connection(const std::string& tcti) : tcti_(tcti) {
  quiet_tss_log_unless_asked();
  TSS2_RC rc = Tss2_TctiLdr_Initialize(tcti_.c_str(), &tcti_context_);
  if (rc != TSS2_RC_SUCCESS) {
    throw unavailable("no TPM answers at TCTI '" + tcti_ + "' (" + rc_text(rc) +
                          "); check --tpm-tcti and that the TPM or swtpm is running and accessible",
                      "tpm_unavailable");
  }
  rc = Esys_Initialize(&esys_, tcti_context_, nullptr);
  if (rc != TSS2_RC_SUCCESS) {
    Tss2_TctiLdr_Finalize(&tcti_context_);
    throw unavailable("cannot open the TPM at TCTI '" + tcti_ + "' (" + rc_text(rc) + ")", "tpm_unavailable");
  }
}

Connection::~Connection() {
  Esys_Finalize(&esys_);
  Tss2_TctiLdr_Finalize(&tcti_context_);
}

void Connection::fail(TSS2_RC rc, std::string_view step) const {
  if (classify(rc) == Failure::unavailable) {
    throw unavailable("the TPM at TCTI '" + tcti_ + "' did not answer while " + std::string(step) + " (" +
                          rc_text(rc) + ")",
                      "tpm_unavailable");
  }
  throw internal_error("the TPM refused " + std::string(step) + " (" + rc_text(rc) + ")", "tpm_error");
}

Transient::~Transient() {
  // Nothing useful can be done if the flush fails: the connection closes next and a resource manager
  // drops what it still holds.
  if (handle_ != ESYS_TR_NONE) Esys_FlushContext(esys_, handle_);
}

}  // namespace cryftee::key_store::tpm
