#pragma once
// Secret-bearing fields of register requests are handled here, before the request reaches a module: a raw
// BLS secret (ephemeralKeyB64), an EIP-2335 keystore with its password (mode "import"), or a TLS private
// key (privateKeyPEM, with an optional certificatePEM) is imported into key custody, the module sees only
// the resulting keyHandle, and every secret field is zeroed and removed. A client can never set keyHandle
// on a register request itself. BLS mode "ephemeral" without a key gets a key for this process only
// (DurableCustody::bls_generate_ephemeral), made here too, so that only it stays out of the key store.
#include <string_view>

#include <nlohmann/json.hpp>

namespace cryftee {
class DurableCustody;
}

namespace cryftee::http {

// `operation` is the register operation the body is for: "tls_register" (and any other "tls_" one) takes
// TLS secrets, every other one BLS secrets. Throws
// cryftee::Error 400 for malformed secrets or a wrong keystore password; custody is then unchanged.
void take_register_secrets(std::string_view operation, nlohmann::json& body, DurableCustody& custody);

}  // namespace cryftee::http
