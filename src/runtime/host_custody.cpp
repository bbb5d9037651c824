// Key custody imports: a module generates, finds and signs with keys by handle. These functions only move
// arguments and answers between module memory and the Custody façade, which decides which backend holds a
// key and what is refused. Secrets stay in custody; only handles, public keys, certificates and signatures
// enter module memory.
#include <nlohmann/json.hpp>

#include "custody/custody.h"
#include "metrics/metrics.h"
#include "runtime/host_import_support.h"
#include "runtime/limits.h"
#include "util/encoding.h"

namespace cryftee::runtime {
namespace {

using namespace import_support;

constexpr std::int64_t kNotFound = -1;
constexpr std::size_t kMaxLookupKeyBytes = 128;
constexpr std::int32_t kDstSignature = 0;
constexpr std::int32_t kDstProofOfPossession = 1;

std::string handle_arg(GuestMemory& memory, CallContext* context, Args args, std::size_t at, const char* name) {
  return read_guest_string(memory, args[at], args[at + 1], kMaxHandleBytes, context, name);
}

std::int64_t write_handle(GuestMemory& memory, CallContext* context, std::int64_t ptr, std::int64_t cap,
                          const std::string& handle, const char* name) {
  return write_guest_bytes(memory, ptr, cap, as_bytes(handle), context, name);
}

void count_signature(std::string_view key_type, std::string_view dst, CallContext* context) {
  metrics::process_metrics().count_signature(key_type, dst, module_of(context));
}

}  // namespace

std::vector<HostImport> custody_imports() {
  return {
      // bls_generate(handle_out, cap) -> handle length
      cryftee_import("bls_generate", {{I32, I32}, {I32}},
                     [](GuestMemory& memory, CallContext* context, Args args) -> std::int64_t {
                       return write_handle(memory, context, args[0], args[1], custody_of(context).bls_generate().handle,
                                           "bls_generate");
                     }),
      // bls_find(public_key, len, handle_out, cap) -> handle length, or -1 when no such key is held
      cryftee_import("bls_find", {{I32, I32, I32, I32}, {I32}},
                     [](GuestMemory& memory, CallContext* context, Args args) -> std::int64_t {
                       const std::string key = read_guest_string(memory, args[0], args[1], kMaxLookupKeyBytes, context, "bls_find");
                       auto found = custody_of(context).bls_find(as_bytes(key));
                       if (!found) return kNotFound;
                       return write_handle(memory, context, args[2], args[3], found->handle, "bls_find");
                     }),
      // bls_public_key(handle, len, out48) -> 48, for a key in memory or in Web3Signer
      cryftee_import("bls_public_key", {{I32, I32, I32}, {I32}},
                     [](GuestMemory& memory, CallContext* context, Args args) -> std::int64_t {
                       const std::string handle = handle_arg(memory, context, args, 0, "bls_public_key");
                       const bls::PublicKey key = custody_of(context).public_key(handle);
                       return write_guest_bytes(memory, args[2], key.size(), key, context, "bls_public_key");
                     }),
      // bls_pop(handle, len, out96) -> 96, or -1 for a key only Web3Signer holds whose proof of possession
      // this process did not make (Web3Signer cannot sign one)
      cryftee_import("bls_pop", {{I32, I32, I32}, {I32}},
                     [](GuestMemory& memory, CallContext* context, Args args) -> std::int64_t {
                       const std::string handle = handle_arg(memory, context, args, 0, "bls_pop");
                       const auto proof = custody_of(context).proof_of_possession(handle);
                       if (!proof) return kNotFound;
                       return write_guest_bytes(memory, args[2], proof->size(), *proof, context, "bls_pop");
                     }),
      // bls_sign(handle, len, message, len, dst (0 sig, 1 pop), out96) -> 96
      cryftee_import("bls_sign", {{I32, I32, I32, I32, I32, I32}, {I32}},
                     [](GuestMemory& memory, CallContext* context, Args args) -> std::int64_t {
                       const std::string handle = handle_arg(memory, context, args, 0, "bls_sign");
                       const std::string message =
                           read_guest_string(memory, args[2], args[3], runtime_limits::kMaxSignedMessageBytes, context, "bls_sign");
                       if (args[4] != kDstSignature && args[4] != kDstProofOfPossession) {
                         throw engine::ModuleFault(engine::FailState::Trap, context ? context->module_id : "module",
                                                   "it passed bls_sign an unknown DST " + std::to_string(args[4]));
                       }
                       const bls::Dst dst = args[4] == kDstSignature ? bls::Dst::Signature : bls::Dst::ProofOfPossession;
                       const bls::Signature signature = custody_of(context).sign_raw(handle, as_bytes(message), dst);
                       count_signature("bls", dst == bls::Dst::Signature ? "sig" : "pop", context);
                       return write_guest_bytes(memory, args[5], signature.size(), signature, context, "bls_sign");
                     }),
      // tls_generate(handle_out, cap) -> handle length
      cryftee_import("tls_generate", {{I32, I32}, {I32}},
                     [](GuestMemory& memory, CallContext* context, Args args) -> std::int64_t {
                       return write_handle(memory, context, args[0], args[1], custody_of(context).tls_generate().handle,
                                           "tls_generate");
                     }),
      // tls_find(public_key or "NodeID-..." text, len, handle_out, cap) -> handle length, or -1 when no
      // such key is held
      cryftee_import("tls_find", {{I32, I32, I32, I32}, {I32}},
                     [](GuestMemory& memory, CallContext* context, Args args) -> std::int64_t {
                       const std::string key = read_guest_string(memory, args[0], args[1], kMaxLookupKeyBytes, context, "tls_find");
                       auto found = custody_of(context).tls_find(as_bytes(key));
                       if (!found) return kNotFound;
                       return write_handle(memory, context, args[2], args[3], found->handle, "tls_find");
                     }),
      // tls_info(handle, len, out, cap) -> length of {"certificate": PEM, "pubkey": "0x..", "node_id"}
      cryftee_import("tls_info", {{I32, I32, I32, I32}, {I32}},
                     [](GuestMemory& memory, CallContext* context, Args args) -> std::int64_t {
                       const auto key = custody_of(context).tls_key(handle_arg(memory, context, args, 0, "tls_info"));
                       const std::string info = nlohmann::json{{"certificate", key.certificate_pem},
                                                               {"pubkey", "0x" + hex_encode(key.public_key)},
                                                               {"node_id", key.node_id}}
                                                    .dump();
                       return write_guest_bytes(memory, args[2], args[3], as_bytes(info), context, "tls_info");
                     }),
      // tls_sign(handle, len, digest32, out, cap) -> DER signature length
      cryftee_import("tls_sign", {{I32, I32, I32, I32, I32}, {I32}},
                     [](GuestMemory& memory, CallContext* context, Args args) -> std::int64_t {
                       const std::string handle = handle_arg(memory, context, args, 0, "tls_sign");
                       const std::string digest = read_guest_string(memory, args[2], 32, 32, context, "tls_sign");
                       const Bytes signature = custody_of(context).tls_sign(handle, as_bytes(digest));
                       count_signature("tls", "none", context);
                       return write_guest_bytes(memory, args[3], args[4], signature, context, "tls_sign");
                     }),
  };
}

}  // namespace cryftee::runtime
