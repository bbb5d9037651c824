#include "grpc/signer_calls.h"

#include <algorithm>

#include "runtime/dispatch.h"
#include "util/encoding.h"
#include "util/error.h"
#include "util/json_scan.h"
#include "util/json_string_member.h"

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
  // The request as text, as REST's plain sign requests go (api/bls_sign_request.h): no JSON tree either way.
  runtime::RequestText request{R"({"keyHandle":)"};
  append_json_string(request.object, key_.handle);
  request.object.append(R"(,"message":")").append(base64_encode(message));
  request.object.append(R"(","dst":")").append(dst == bls::Dst::Signature ? "sig" : "pop").append(R"("})");
  const runtime::ModuleAnswer answer = dispatcher_.call_text(module, kSignCapability, std::move(request));

  const std::optional<std::string> field = json_string_member(answer.text(), "signatureB64");
  const std::optional<Bytes> signature = field ? base64_decode(*field) : std::nullopt;
  if (!signature || signature->size() != bls::kSignatureSize) {
    throw internal_error("module '" + module.entry.id + "' answered " + kSignCapability + " without a 96-byte signatureB64",
                         "bad_module_answer");
  }
  bls::Signature out{};
  std::copy(signature->begin(), signature->end(), out.begin());
  return out;
}

}  // namespace cryftee::grpc_signer
