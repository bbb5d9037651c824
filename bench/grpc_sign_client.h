#pragma once
// A SignClient (sign_load.h) of the daemon's gRPC signer: AvalancheGo's Signer.Sign through the stubs
// generated from proto/signer.proto, on a channel (and so a connection) of its own.
#include <memory>
#include <string>

#include "sign_load.h"

namespace cryftee::bench {

// `target`: "unix:/path" or "127.0.0.1:port". Connects at once; throws std::runtime_error when the
// listener does not answer.
std::unique_ptr<SignClient> connect_grpc_signer(const std::string& target);

}  // namespace cryftee::bench
