#include "grpc/signer_service.h"

#include <chrono>
#include <cmath>

#include "grpc/status_mapping.h"
#include "util/error.h"
#include "util/log.h"

namespace cryftee::grpc_signer {
SignerService::SignerService(const SignerCalls& calls, PeerName peer_name)
    : calls_(calls), peer_name_(std::move(peer_name)) {}

template <typename Work>
grpc::Status SignerService::serve(const char* method, const grpc::ServerContext& context, Work work) const {
  const auto started = std::chrono::steady_clock::now();
  grpc::Status status;
  std::string unexpected;  // what() of a failure that is no cryftee::Error, for the log only
  try {
    work();
  } catch (const Error& failure) {
    status = status_for(failure);
  } catch (const std::exception& failure) {
    status = status_for(failure);
    unexpected = failure.what();
  }
  const auto duration = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  nlohmann::json fields = {{"method", method}, {"status", status_code_name(status.error_code())},
                           {"duration_ms", std::round(duration * 1000) / 1000}, {"peer", peer_name_(context)},
                           {"listener", "grpc_signer"}};
  if (!status.ok()) fields["message"] = status.error_message();
  if (!unexpected.empty()) fields["exception"] = unexpected;
  log::info("grpc_request", fields);
  return status;
}

grpc::Status SignerService::PublicKey(grpc::ServerContext* context, const signer::PublicKeyRequest*,
                                      signer::PublicKeyResponse* response) {
  return serve("PublicKey", *context, [&] { response->set_public_key(as_string(calls_.key().public_key)); });
}

grpc::Status SignerService::Sign(grpc::ServerContext* context, const signer::SignRequest* request,
                                 signer::SignResponse* response) {
  return serve("Sign", *context, [&] {
    response->set_signature(as_string(calls_.sign(as_bytes(request->message()), bls::Dst::Signature)));
  });
}

grpc::Status SignerService::SignProofOfPossession(grpc::ServerContext* context,
                                                  const signer::SignProofOfPossessionRequest* request,
                                                  signer::SignProofOfPossessionResponse* response) {
  return serve("SignProofOfPossession", *context, [&] {
    response->set_signature(as_string(calls_.sign(as_bytes(request->message()), bls::Dst::ProofOfPossession)));
  });
}

}  // namespace cryftee::grpc_signer
