#pragma once
// One conversation with a TPM through tpm2-tss: the TCTI the operator named, an ESAPI context on it, and
// owning handles for the transient objects and sessions it creates, so every exit path flushes them.
// The TPM sealer opens one per operation and closes it afterwards: a TPM is shared with other software
// (swtpm even serves one client at a time), and a TPM or resource manager that restarted in between is
// simply found again. Only the TPM sealer's files include this header; tss2 types stay out of the rest.
#include <tss2/tss2_esys.h>

#include <memory>
#include <string>
#include <string_view>

namespace cryftee::key_store::tpm {

// tpm2-tss hands results out in memory the caller frees with Esys_Free.
struct EsysFree {
  void operator()(void* result) const noexcept { Esys_Free(result); }
};
template <typename T>
using EsysResult = std::unique_ptr<T, EsysFree>;

// What a failed call means for the sealer: the TPM did not answer, or which of the TPM's refusals it was.
enum class Failure {
  unavailable,  // no TCTI, no connection, an I/O error, or a TPM that is not ready
  integrity,    // TPM_RC_INTEGRITY: the private part was not made by this parent key
  bad_auth,     // TPM_RC_AUTH_FAIL / TPM_RC_BAD_AUTH: the authorization value did not match
  policy,       // TPM_RC_POLICY_FAIL / TPM_RC_AUTH_UNAVAILABLE: the session's policy is not the object's
  value,        // TPM_RC_VALUE: a parameter does not match the TPM's state (e.g. a PolicyPCR digest)
  parameter,    // any other refusal of a malformed or unsuitable parameter
  other,
};

Failure classify(TSS2_RC rc) noexcept;
// tpm2-tss's own words for a return code, e.g. "tpm:parameter(1):integrity check failed".
std::string rc_text(TSS2_RC rc);

class Connection {
 public:
  // Loads the TCTI ("device:/dev/tpmrm0", "swtpm:host=127.0.0.1,port=2321", ...) and opens ESAPI on it.
  // Throws cryftee::Error 503 "tpm_unavailable" naming the TCTI and the reason.
  explicit Connection(const std::string& tcti);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  ESYS_CONTEXT* esys() const noexcept { return esys_; }
  const std::string& tcti() const noexcept { return tcti_; }

  // The error for a failed call that has no more specific meaning to its caller: 503 "tpm_unavailable"
  // when the TPM did not answer, else 500 "tpm_error" naming the step and the TPM's reason.
  [[noreturn]] void fail(TSS2_RC rc, std::string_view step) const;
  void check(TSS2_RC rc, std::string_view step) const {
    if (rc != TSS2_RC_SUCCESS) fail(rc, step);
  }

 private:
  std::string tcti_;
  TSS2_TCTI_CONTEXT* tcti_context_ = nullptr;
  ESYS_CONTEXT* esys_ = nullptr;
};

// A transient object or session in the TPM, flushed when this goes out of scope.
class Transient {
 public:
  Transient(const Connection& tpm, ESYS_TR handle) noexcept : esys_(tpm.esys()), handle_(handle) {}
  ~Transient();
  Transient(const Transient&) = delete;
  Transient& operator=(const Transient&) = delete;

  ESYS_TR get() const noexcept { return handle_; }

 private:
  ESYS_CONTEXT* esys_;
  ESYS_TR handle_;
};

}  // namespace cryftee::key_store::tpm
