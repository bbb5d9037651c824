#include "grpc/signer_service.h"

#include <chrono>
#include <cmath>

#include "api/blocking_work.h"
#include "grpc/status_mapping.h"
#include "metrics/metrics.h"
#include "util/error.h"
#include "util/log.h"

namespace cryftee::grpc_signer {
namespace {

constexpr const char* kListenerName = "grpc_signer";
// REST's method for the request metrics: every RPC is an HTTP/2 POST.
constexpr const char* kRpcHttpMethod = "POST";

}  // namespace

SignerService::SignerService(const SignerCalls& calls, PeerName peer_name, WorkQueue* blocking_work,
                             bool signing_may_block)
    : calls_(calls),
      peer_name_(std::move(peer_name)),
      blocking_work_(blocking_work),
      signing_may_block_(signing_may_block) {}

grpc::ServerUnaryReactor* SignerService::serve(const char* method, grpc::CallbackServerContext& context, bool may_block,
                                               std::function<void()> work) const {
  const auto started = std::chrono::steady_clock::now();
  grpc::ServerUnaryReactor* reactor = context.DefaultReactor();
  if (!may_block || blocking_work_ == nullptr) {
    reactor->Finish(outcome(method, context, started, work));
    return reactor;
  }
  try {
    // The call's context, request and response stay alive until Finish; the server waits for it on stop.
    api::run_blocking(*blocking_work_, [this, method, &context, started, reactor, work = std::move(work)] {
      reactor->Finish(outcome(method, context, started, work));
    });
  } catch (...) {
    reactor->Finish(outcome(method, context, started, [busy = std::current_exception()] { std::rethrow_exception(busy); }));
  }
  return reactor;
}

grpc::Status SignerService::outcome(const char* method, const grpc::CallbackServerContext& context,
                                    std::chrono::steady_clock::time_point started, const std::function<void()>& work) const {
  grpc::Status status;
  int http_status = 200;  // what REST answers for the same outcome: the metrics' and the log's status
  std::string unexpected;  // what() of a failure that is no cryftee::Error, for the log only
  try {
    work();
  } catch (const Error& failure) {
    status = status_for(failure);
    http_status = failure.status();
  } catch (const std::exception& failure) {
    status = status_for(failure);
    http_status = 500;
    unexpected = failure.what();
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  // The RPC's full method name, a bounded label like a REST route pattern.
  const std::string route = std::string("/") + signer::Signer::service_full_name() + "/" + method;
  metrics::process_metrics().observe_request(kListenerName, kRpcHttpMethod, route, http_status, seconds);
  nlohmann::json fields = {{"method", kRpcHttpMethod}, {"route", route}, {"status", http_status},
                           {"grpc_status", status_code_name(status.error_code())},
                           {"duration_ms", std::round(seconds * 1e6) / 1000}, {"peer", peer_name_(context)},
                           {"listener", kListenerName}};
  if (!status.ok()) fields["message"] = status.error_message();
  if (!unexpected.empty()) fields["exception"] = unexpected;
  log::batched(log::Level::Info, "request", fields);
  return status;
}

grpc::ServerUnaryReactor* SignerService::PublicKey(grpc::CallbackServerContext* context, const signer::PublicKeyRequest*,
                                      signer::PublicKeyResponse* response) {
  // The served key's public half is known at start: no custody call, nothing to wait for.
  return serve("PublicKey", *context, false,
               [this, response] { response->set_public_key(as_string(calls_.key().public_key)); });
}

grpc::ServerUnaryReactor* SignerService::Sign(grpc::CallbackServerContext* context, const signer::SignRequest* request,
                                 signer::SignResponse* response) {
  return serve("Sign", *context, signing_may_block_, [this, request, response] {
    response->set_signature(as_string(calls_.sign(as_bytes(request->message()), bls::Dst::Signature)));
  });
}

grpc::ServerUnaryReactor* SignerService::SignProofOfPossession(grpc::CallbackServerContext* context,
                                                  const signer::SignProofOfPossessionRequest* request,
                                                  signer::SignProofOfPossessionResponse* response) {
  return serve("SignProofOfPossession", *context, signing_may_block_, [this, request, response] {
    response->set_signature(as_string(calls_.sign(as_bytes(request->message()), bls::Dst::ProofOfPossession)));
  });
}

}  // namespace cryftee::grpc_signer
