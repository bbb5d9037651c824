#include "grpc/signer_calls.h"

#include <algorithm>

#include "runtime/dispatch.h"
#include "util/encoding.h"
#include "util/error.h"

namespace cryftee::grpc_signer {
namespace {

constexpr const char* kFamily = "bls";
constexpr const char* kSignCapability = "bls_sign";

}  // namespace

SignerCalls::SignerCalls(BlsKeyInfo key, runtime::RegistryHolder& registry, runtime::Dispatcher& dispatcher)
    : key_(std::move(key)), registry_(registry), dispatcher_(dispatcher) {}

bls::Signature SignerCalls::sign(ByteView message, bls::Dst dst) const {
  if (message.empty()) throw bad_request("the message is empty: there is nothing to sign", "empty_message");
  const std::shared_ptr<const runtime::Registry> registry = registry_.current();  // kept until the module answers
  const runtime::ModuleRecord& module = registry->serving(kFamily, kSignCapability);
  const nlohmann::json request = {{"keyHandle", key_.handle},
                                  {"message", base64_encode(message)},
                                  {"dst", dst == bls::Dst::Signature ? "sig" : "pop"}};
  const nlohmann::json answer = dispatcher_.call(module, kSignCapability, request).json();

  const auto field = answer.find("signatureB64");
  const std::optional<Bytes> signature =
      field != answer.end() && field->is_string() ? base64_decode(field->get<std::string>()) : std::nullopt;
  if (!signature || signature->size() != bls::kSignatureSize) {
    throw internal_error("module '" + module.entry.id + "' answered " + kSignCapability + " without a 96-byte signatureB64",
                         "bad_module_answer");
  }
  bls::Signature out{};
  std::copy(signature->begin(), signature->end(), out.begin());
  return out;
}

}  // namespace cryftee::grpc_signer
