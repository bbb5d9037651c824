// Which key the gRPC signer serves (grpc/signer_key.h) and how failures become gRPC statuses
// (grpc/status_mapping.h).
#include <gtest/gtest.h>

#include "custody/memory_custody.h"
#include "grpc/signer_key.h"
#include "grpc/status_mapping.h"
#include "runtime/engine/engine.h"
#include "util/encoding.h"
#include "util/error.h"

namespace cryftee {
namespace {

using grpc_signer::choose_signer_key;

std::string refusal(const std::vector<BlsKeyInfo>& held, const std::vector<std::string>& transient,
                    const std::optional<std::string>& named) {
  try {
    choose_signer_key(held, transient, named);
  } catch (const Error& error) {
    EXPECT_EQ(std::string(error.what()).find('\n'), std::string::npos);
    return error.what();
  }
  ADD_FAILURE() << "a key was chosen";
  return {};
}

class SignerKeyChoice : public ::testing::Test {
 protected:
  MemoryCustody custody;
  BlsKeyInfo first = custody.bls_generate();
  BlsKeyInfo second = custody.bls_generate();
};

TEST_F(SignerKeyChoice, TheOneDurableKeyIsChosenWhenNoneIsNamed) {
  EXPECT_EQ(choose_signer_key({first}, {}, std::nullopt).handle, first.handle);
  // A run-only key does not count, so the durable one is still the only choice.
  EXPECT_EQ(choose_signer_key({first, second}, {second.handle}, std::nullopt).handle, first.handle);
}

TEST_F(SignerKeyChoice, ANamedKeyIsFoundByHandleOrAnyPublicKeySpelling) {
  const std::string hex = hex_encode(second.public_key);
  for (const std::string& name : {second.handle, hex, "0x" + hex, base64_encode(second.public_key)}) {
    EXPECT_EQ(choose_signer_key({first, second}, {}, name).handle, second.handle) << name;
  }
  // Named, a run-only key may be served: the operator asked for it.
  EXPECT_EQ(choose_signer_key({first, second}, {second.handle}, second.handle).handle, second.handle);
}

TEST_F(SignerKeyChoice, RefusalsListEveryHeldKey) {
  const std::string listed_first = first.handle + " (0x" + hex_encode(first.public_key) + ")";
  const std::string listed_second = second.handle + " (0x" + hex_encode(second.public_key) + ")";
  EXPECT_EQ(refusal({}, {}, std::nullopt),
            "the gRPC signer needs one BLS key and no durable BLS key is held at start (held: none; choose one with "
            "--grpc-signer-key, or hand the daemon its key, e.g. with CRYFTEE_WEB3SIGNER_KEY_MATERIAL)");
  EXPECT_NE(refusal({first, second}, {}, std::nullopt)
                .find("several durable BLS keys are held (held: " + listed_first + ", " + listed_second + ";"),
            std::string::npos);
  EXPECT_NE(refusal({first}, {first.handle}, std::nullopt).find("no durable BLS key is held at start (held: " + listed_first),
            std::string::npos);
  EXPECT_EQ(refusal({first}, {}, std::string("bls-00000000000000000000000000000000")),
            "--grpc-signer-key names no BLS key held at start (held: " + listed_first +
                "; name one of them by handle or public key)");
  EXPECT_NE(refusal({first}, {}, hex_encode(second.public_key)).find("names no BLS key"), std::string::npos);
}

TEST(SignerStatusMapping, EachFailureGetsItsCodeAndAMessageNamingTheMachineCode) {
  using grpc::StatusCode;
  const auto status = grpc_signer::status_for(Error(413, "message_too_large", "the message is larger than 65536 bytes"));
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "message_too_large: the message is larger than 65536 bytes");

  EXPECT_EQ(grpc_signer::status_for(bad_request("x", "empty_message")).error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(grpc_signer::status_for(Error(403, "policy_refused", "x")).error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(grpc_signer::status_for(not_found("x", "key_not_found")).error_code(), StatusCode::NOT_FOUND);
  EXPECT_EQ(grpc_signer::status_for(unprocessable("x")).error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(grpc_signer::status_for(unavailable("x", "no_module")).error_code(), StatusCode::UNAVAILABLE);
  EXPECT_EQ(grpc_signer::status_for(internal_error("x", "bad_module_answer")).error_code(), StatusCode::INTERNAL);

  const engine::ModuleFault timeout(engine::FailState::Timeout, "bls_tls_signer_v1", "deadline of 2000 ms passed");
  EXPECT_EQ(timeout.status(), 503);  // REST says 503; gRPC has a code that says exactly what happened
  EXPECT_EQ(grpc_signer::status_for(timeout).error_code(), StatusCode::DEADLINE_EXCEEDED);
  EXPECT_EQ(grpc_signer::status_for(timeout).error_message().rfind("module_timeout: module 'bls_tls_signer_v1' failed", 0), 0u);
  const engine::ModuleFault trap(engine::FailState::Trap, "bls_tls_signer_v1", "unreachable");
  EXPECT_EQ(grpc_signer::status_for(trap).error_code(), StatusCode::INTERNAL);

  const auto unexpected = grpc_signer::status_for(std::runtime_error("secret detail"));
  EXPECT_EQ(unexpected.error_code(), StatusCode::INTERNAL);
  EXPECT_EQ(unexpected.error_message().find("secret detail"), std::string::npos);
}

}  // namespace
}  // namespace cryftee
