#pragma once
// The Signer service of proto/signer.proto (AvalancheGo's remote signer) on top of SignerCalls: PublicKey
// answers the served key's 48-byte compressed form; Sign signs under the signature DST;
// SignProofOfPossession under the proof-of-possession DST (AvalancheGo uses it for its proof of
// possession and for signed IPs). Every call is counted and logged like a REST request: listener
// "grpc_signer", method POST, route the RPC's full method name ("/signer.Signer/Sign"), status what REST
// answers for the same outcome (200, or the failure's HTTP status) with the gRPC status beside it in the
// log line; failures become gRPC statuses (status_mapping.h).
#include <functional>
#include <string>

#include "grpc/signer_calls.h"
#include "signer.grpc.pb.h"

namespace cryftee::grpc_signer {

class SignerService final : public signer::Signer::Service {
 public:
  // Names the peer of a call for the log (grpc's own peer text means little for a Unix socket).
  using PeerName = std::function<std::string(const grpc::ServerContext&)>;

  SignerService(const SignerCalls& calls, PeerName peer_name);

  grpc::Status PublicKey(grpc::ServerContext* context, const signer::PublicKeyRequest* request,
                         signer::PublicKeyResponse* response) override;
  grpc::Status Sign(grpc::ServerContext* context, const signer::SignRequest* request,
                    signer::SignResponse* response) override;
  grpc::Status SignProofOfPossession(grpc::ServerContext* context, const signer::SignProofOfPossessionRequest* request,
                                     signer::SignProofOfPossessionResponse* response) override;

 private:
  template <typename Work>
  grpc::Status serve(const char* method, const grpc::ServerContext& context, Work work) const;

  const SignerCalls& calls_;
  PeerName peer_name_;
};

}  // namespace cryftee::grpc_signer
