#include "grpc/signer_server.h"

#include <grpc/support/log.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>
#include <grpcpp/server_posix.h>

#include <fstream>
#include <iterator>
#include <mutex>

#include "config/defaults.h"
#include "config/values.h"
#include "custody/custody.h"
#include "grpc/signer_key.h"
#include "transport/listener_error.h"
#include "util/encoding.h"
#include "util/log.h"

namespace cryftee::grpc_signer {
namespace {

constexpr std::string_view kFdPeerPrefix = "fd:";  // how gRPC names a connection added from a descriptor

std::string read_pem(const std::filesystem::path& file, const std::string& listener) {
  std::ifstream stream(file, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(stream)), std::istreambuf_iterator<char>());
  if (!stream.good() && !stream.eof()) throw transport::ListenerError(listener + ": cannot read " + file.string());
  if (text.empty()) throw transport::ListenerError(listener + ": " + file.string() + " is empty or unreadable");
  return text;
}

// TLS 1.2+ with the API's certificate and key; a client must present a certificate that --tls-client-ca
// signed, or the handshake fails.
std::shared_ptr<grpc::ServerCredentials> mutual_tls(const Config& config, const std::string& listener) {
  grpc::SslServerCredentialsOptions options(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  options.pem_root_certs = read_pem(*config.tls_client_ca, listener);
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair{read_pem(*config.tls_key, listener),
                                                         read_pem(*config.tls_cert, listener)};
  options.pem_key_cert_pairs.push_back(pair);
  auto credentials = grpc::SslServerCredentials(options);  // gRPC keeps its own copy of the key
  secure_zero(pair.private_key);
  secure_zero(options.pem_key_cert_pairs.front().private_key);
  return credentials;
}

// gRPC's own diagnostics go into the daemon's log, as structured lines, instead of raw stderr text.
void forward_grpc_log(gpr_log_func_args* args) {
  const nlohmann::json fields = {{"message", args->message}, {"file", args->file}, {"line", args->line}};
  if (args->severity == GPR_LOG_SEVERITY_ERROR) {
    log::warn("grpc_core", fields);
  } else {
    log::debug("grpc_core", fields);
  }
}

}  // namespace

SignerServer::SignerServer(const Config& config, SignerCalls calls, WorkQueue* blocking_work, bool signing_may_block)
    : calls_(std::move(calls)),
      service_(calls_, [this](const grpc::CallbackServerContext& context) { return peer_of(context); }, blocking_work,
               signing_may_block) {
  static std::once_flag log_forwarding;
  std::call_once(log_forwarding, [] { gpr_set_log_function(forward_grpc_log); });

  const GrpcSignerSettings& settings = config.grpc_signer;
  grpc::ServerBuilder builder;
  builder.RegisterService(&service_);
  builder.SetMaxReceiveMessageSize(static_cast<int>(config.limits.max_body_bytes));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS, static_cast<int>(config.limits.idle_timeout.count()));
  // gRPC would otherwise share the port (SO_REUSEPORT) with another process already listening on it.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, static_cast<int>(defaults::kGrpcSignerMaxStreamsPerConnection));

  std::string where;
  bool tls = false;
  int bound_port = 0;
  if (settings.unix_path) {
    local_ = std::make_unique<LocalListener>(*settings.unix_path, config.allowed_peer_uids, config.limits.max_connections);
  } else if (is_loopback(*settings.address)) {
    local_ = std::make_unique<LocalListener>(*settings.address, config.limits.max_connections);
  } else {
    where = config::host_port_text(*settings.address);
    tls = true;
    builder.AddListeningPort(where, mutual_tls(config, "gRPC signer " + where), &bound_port);
  }
  server_ = builder.BuildAndStart();
  if (!server_ || (!local_ && bound_port == 0)) {
    throw transport::ListenerError("gRPC signer listener " + where +
                              ": cannot listen (the address is in use or not on this machine; choose another "
                              "--grpc-signer-addr)");
  }
  if (local_) {
    where = local_->address();
    local_->start([this](int fd) { grpc::AddInsecureChannelFromFd(server_.get(), fd); });
  }

  log::info("listening", {{"listener", "grpc_signer"}, {"address", where}, {"tls", tls},
                          {"keyHandle", calls_.key().handle}, {"pubkey", "0x" + hex_encode(calls_.key().public_key)},
                          {"allowed_peer_uids", settings.unix_path ? nlohmann::json(config.allowed_peer_uids) : nlohmann::json()},
                          {"max_connections", local_ ? nlohmann::json(config.limits.max_connections) : nlohmann::json()}});
}

SignerServer::~SignerServer() {
  if (local_) local_->stop();
  server_->Shutdown(std::chrono::system_clock::now() + defaults::kShutdownDrain);
  server_->Wait();
}

std::string SignerServer::peer_of(const grpc::CallbackServerContext& context) const {
  const std::string peer = context.peer();
  if (!local_ || !peer.starts_with(kFdPeerPrefix)) return peer;
  try {
    return local_->peer_address(std::stoi(peer.substr(kFdPeerPrefix.size())));
  } catch (const std::exception&) {
    return peer;
  }
}

std::unique_ptr<SignerServer> start_signer_server(const Config& config, const Custody& custody,
                                                  const std::vector<std::string>& transient, runtime::RegistryHolder& registry,
                                                  runtime::Dispatcher& dispatcher, WorkQueue& blocking_work) {
  if (!config.grpc_signer.enabled()) return nullptr;
  BlsKeyInfo key = choose_signer_key(custody.bls_keys(), transient, config.grpc_signer.key);
  // With Web3Signer enabled a signature may be a network round trip, as for REST (api/staking_routes.cpp).
  return std::make_unique<SignerServer>(config, SignerCalls(std::move(key), registry, dispatcher), &blocking_work,
                                        custody.web3signer_enabled());
}

}  // namespace cryftee::grpc_signer
