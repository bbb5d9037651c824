#pragma once
// The Signer service of proto/signer.proto (AvalancheGo's remote signer) on top of SignerCalls: PublicKey
// answers the served key's 48-byte compressed form; Sign signs under the signature DST;
// SignProofOfPossession under the proof-of-possession DST (AvalancheGo uses it for its proof of
// possession and for signed IPs). Every call is counted and logged like a REST request: listener
// "grpc_signer", method POST, route the RPC's full method name ("/signer.Signer/Sign"), status what REST
// answers for the same outcome (200, or the failure's HTTP status) with the gRPC status beside it in the
// log line; failures become gRPC statuses (status_mapping.h).
//
// It is gRPC's callback service: a call is answered on the gRPC thread that read it, with no hand-off to
// a thread of the synchronous server (each such hand-off wakes a sleeping thread). A call that may wait
// on something outside the process (a key held by Web3Signer) goes to the blocking-work threads instead,
// as a REST call does, so no gRPC thread waits on the network; 503 server_busy (UNAVAILABLE) when too
// many wait there.
#include <chrono>
#include <functional>
#include <string>

#include "grpc/signer_calls.h"
#include "signer.grpc.pb.h"

namespace cryftee {
class WorkQueue;  // util/work_queue.h
}

namespace cryftee::grpc_signer {

class SignerService final : public signer::Signer::CallbackService {
 public:
  // Names the peer of a call for the log (grpc's own peer text means little for a Unix socket).
  using PeerName = std::function<std::string(const grpc::CallbackServerContext&)>;

  // `blocking_work` (may be null: every call is answered in place) runs the signing calls when
  // `signing_may_block` (a signature may wait on Web3Signer).
  SignerService(const SignerCalls& calls, PeerName peer_name, WorkQueue* blocking_work, bool signing_may_block);

  grpc::ServerUnaryReactor* PublicKey(grpc::CallbackServerContext* context, const signer::PublicKeyRequest* request,
                                      signer::PublicKeyResponse* response) override;
  grpc::ServerUnaryReactor* Sign(grpc::CallbackServerContext* context, const signer::SignRequest* request,
                                 signer::SignResponse* response) override;
  grpc::ServerUnaryReactor* SignProofOfPossession(grpc::CallbackServerContext* context,
                                                  const signer::SignProofOfPossessionRequest* request,
                                                  signer::SignProofOfPossessionResponse* response) override;

 private:
  // Runs `work` here, or on the blocking-work threads when it `may_block`, then finishes the call with
  // its outcome.
  grpc::ServerUnaryReactor* serve(const char* method, grpc::CallbackServerContext& context, bool may_block,
                                  std::function<void()> work) const;
  // Runs `work`, counts and logs the call like a REST request, and returns its status.
  grpc::Status outcome(const char* method, const grpc::CallbackServerContext& context,
                       std::chrono::steady_clock::time_point started, const std::function<void()>& work) const;

  const SignerCalls& calls_;
  PeerName peer_name_;
  WorkQueue* blocking_work_;
  bool signing_may_block_;
};

}  // namespace cryftee::grpc_signer
