// Web3Signer custody imports: a module makes keys that live in Web3Signer, finds them again after a
// restart, and has typed Eth2 requests signed with them. The keystore password, the Keymanager token and
// the TLS credentials stay in the host's Web3Signer client; the module sees handles, public keys, proofs of
// possession and signatures. As in host_custody.cpp, these functions only marshal: the Custody façade
// decides what is refused (Web3Signer not enabled, a key it does not hold). These imports wait on the
// network, so their time does not count against the module's deadline (the client's own timeouts bound
// them).
#include <nlohmann/json.hpp>

#include "custody/custody.h"
#include "metrics/metrics.h"
#include "runtime/host_import_support.h"

namespace cryftee::runtime {
namespace {

using namespace import_support;

constexpr std::int64_t kNotHeld = -1;
constexpr std::int64_t kNoWeb3Signer = -2;
constexpr std::size_t kMaxSigningRequestBytes = 64 * 1024;

}  // namespace

std::vector<HostImport> web3signer_imports() {
  return {
      // bls_persist(handle_out, cap, pop_out96) -> handle length: a new key, imported into Web3Signer as an
      // EIP-2335 keystore and confirmed there; its proof of possession is made before the secret is dropped.
      cryftee_import("bls_persist", {{I32, I32, I32}, {I32}},
                      [](GuestMemory& memory, CallContext* context, Args args) -> std::int64_t {
                        const BlsKeyInfo key = custody_of(context).persist();
                        write_guest_bytes(memory, args[2], key.proof_of_possession.size(), key.proof_of_possession,
                                          context, "bls_persist");
                        return write_guest_bytes(memory, args[0], args[1], as_bytes(key.handle), context, "bls_persist");
                      },
                      Blocking::Yes),
      // web3signer_find(public_key48, len, handle_out, cap) -> handle length; -1 when Web3Signer does not hold
      // the key, -2 when no Web3Signer is in use. Ends the call with 503 when Web3Signer cannot be asked.
      cryftee_import("web3signer_find", {{I32, I32, I32, I32}, {I32}},
                      [](GuestMemory& memory, CallContext* context, Args args) -> std::int64_t {
                        const std::string key = read_guest_string(memory, args[0], args[1], bls::kPublicKeySize,
                                                                  context, "web3signer_find");
                        const Web3SignerLookup found = custody_of(context).web3signer_find(as_bytes(key));
                        switch (found.outcome) {
                          case Web3SignerLookup::Outcome::NotEnabled: return kNoWeb3Signer;
                          case Web3SignerLookup::Outcome::NotHeld: return kNotHeld;
                          case Web3SignerLookup::Outcome::Held: break;
                        }
                        return write_guest_bytes(memory, args[2], args[3], as_bytes(found.handle), context,
                                                 "web3signer_find");
                      },
                      Blocking::Yes),
      // web3signer_sign(handle, len, signing_request_json, len, out96) -> 96: a typed Eth2 signing request
      // (Web3Signer's body for POST /api/v1/eth2/sign/{pubkey}) passed through unchanged.
      cryftee_import("web3signer_sign", {{I32, I32, I32, I32, I32}, {I32}},
                      [](GuestMemory& memory, CallContext* context, Args args) -> std::int64_t {
                        const std::string handle =
                            read_guest_string(memory, args[0], args[1], kMaxHandleBytes, context, "web3signer_sign");
                        const auto request = nlohmann::json::parse(
                            read_guest_string(memory, args[2], args[3], kMaxSigningRequestBytes, context, "web3signer_sign"),
                            nullptr, false);
                        if (!request.is_object()) {
                          throw bad_request("'signingRequest' must be a JSON object: Web3Signer's typed eth2 signing "
                                            "request",
                                            "invalid_signing_request");
                        }
                        const bls::Signature signature = custody_of(context).sign_typed(handle, request);
                        // Web3Signer chose the domain from the typed request; "eth2" names that family.
                        metrics::process_metrics().count_signature("bls", "eth2", module_of(context));
                        return write_guest_bytes(memory, args[4], signature.size(), signature, context, "web3signer_sign");
                      },
                      Blocking::Yes),
  };
}

}  // namespace cryftee::runtime
