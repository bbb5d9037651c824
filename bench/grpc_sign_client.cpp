#include "grpc_sign_client.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <chrono>
#include <stdexcept>

#include "crypto/bls.h"
#include "signer.grpc.pb.h"

namespace cryftee::bench {
namespace {

constexpr std::chrono::seconds kConnectTimeout{10};

class GrpcSignClient final : public SignClient {
 public:
  explicit GrpcSignClient(const std::string& target) {
    grpc::ChannelArguments arguments;
    // Without it, channels to one target share a connection, and N clients would be one.
    arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    channel_ = grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), arguments);
    if (!channel_->WaitForConnected(std::chrono::system_clock::now() + kConnectTimeout)) {
      throw std::runtime_error("the gRPC signer at " + target + " does not answer");
    }
    stub_ = signer::Signer::NewStub(channel_);
  }

  std::optional<std::string> sign(ByteView message, Bytes* signature) override {
    signer::SignRequest request;
    request.set_message(message.data(), message.size());
    signer::SignResponse response;
    grpc::ClientContext context;
    const grpc::Status status = stub_->Sign(&context, request, &response);
    if (!status.ok()) {
      if (status.error_code() == grpc::StatusCode::UNAVAILABLE) throw std::runtime_error("gRPC: " + status.error_message());
      return "gRPC status " + std::to_string(status.error_code()) + ": " + status.error_message();
    }
    if (response.signature().size() != bls::kSignatureSize) return "a signature of " + std::to_string(response.signature().size()) + " bytes";
    signature->assign(response.signature().begin(), response.signature().end());
    return std::nullopt;
  }

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<signer::Signer::Stub> stub_;
};

}  // namespace

std::unique_ptr<SignClient> connect_grpc_signer(const std::string& target) {
  return std::make_unique<GrpcSignClient>(target);
}

}  // namespace cryftee::bench
