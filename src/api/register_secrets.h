#pragma once
// Secret-bearing fields of register requests are handled here, before the request reaches a module: a raw
// BLS secret (ephemeralKeyB64), an EIP-2335 keystore with its password (mode "import"), or a TLS private
// key (privateKeyPEM, with an optional certificatePEM) is imported into key custody, the module sees only
// the resulting keyHandle, and every secret field is zeroed and removed. A client can never set keyHandle
// on a register request itself. BLS mode "ephemeral" without a key gets a key for this process only
// (Custody::bls_generate_ephemeral), made here too, so that only it stays out of the key store.
#include <string_view>

#include <nlohmann/json.hpp>

namespace cryftee {
class Custody;  // custody/custody.h
}

namespace cryftee::api {

// `operation` is the register operation the body is for: "tls_register" (and any other "tls_" one) takes
// TLS secrets, every other one BLS secrets. Throws
// cryftee::Error 400 for malformed secrets or a wrong keystore password; custody is then unchanged.
void take_register_secrets(std::string_view operation, nlohmann::json& body, Custody& custody);

// True when the request will derive a key from a password, seconds of CPU that the caller runs off the
// I/O threads: importing a keystore, or mode "persistent" (which encrypts the new key for Web3Signer). Checks the keystore's shape and KDF bounds first, cheaply, and
// throws the same Error 400 take_register_secrets would, so a refused keystore never waits in a queue.
bool needs_key_derivation(std::string_view operation, const nlohmann::json& body);

}  // namespace cryftee::api
