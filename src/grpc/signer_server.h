#pragma once
// The gRPC signer listener (--grpc-signer-addr) that a stock AvalancheGo node (or cryftgo) calls through
// --staking-rpc-signer-endpoint. Such a node connects with insecure credentials, assuming a local signer,
// so the listener is one of:
//   unix:PATH       Cryftee's own accept loop (local_listener.h) checks the peer uid allow-list, plaintext
//   loopback:PORT   Cryftee's own accept loop, plaintext, reachable from this machine only
//   any other       gRPC's listener, TLS that demands a client certificate from --tls-client-ca (config
//                   validation refuses such an address without one)
// Limits shared with the REST API: --max-body-bytes bounds a request message (gRPC answers a larger one
// RESOURCE_EXHAUSTED before it reaches the signer), --max-connections bounds the open connections of a
// Unix or loopback listener, --idle-timeout-ms closes idle connections, and on stop calls in flight get
// defaults::kShutdownDrain to finish.
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/server.h>

#include "config/config.h"
#include "grpc/local_listener.h"
#include "grpc/signer_calls.h"
#include "grpc/signer_service.h"

namespace cryftee {
class Custody;    // custody/custody.h
class WorkQueue;  // util/work_queue.h
}

namespace cryftee::grpc_signer {

class SignerServer {
 public:
  // Opens the listener and starts serving; throws transport::ListenerError naming the address when it cannot.
  // Signing calls run on `blocking_work` when `signing_may_block` (signer_service.h), which must outlive the server.
  SignerServer(const Config& config, SignerCalls calls, WorkQueue* blocking_work, bool signing_may_block);
  // Stops accepting, then lets calls in flight finish for up to defaults::kShutdownDrain (and waits for
  // those on the blocking-work threads, which must still be running then).
  ~SignerServer();
  SignerServer(const SignerServer&) = delete;
  SignerServer& operator=(const SignerServer&) = delete;

 private:
  std::string peer_of(const grpc::CallbackServerContext& context) const;

  SignerCalls calls_;
  std::unique_ptr<LocalListener> local_;  // null for the mTLS listener, which gRPC accepts itself
  SignerService service_;
  std::unique_ptr<grpc::Server> server_;
};

// When config.grpc_signer is set: chooses the served key among the BLS keys `custody` holds by now
// (`transient` ones are never chosen unless named, see signer_key.h) and starts the listener. nullptr
// when no gRPC signer is configured. Throws cryftee::Error when no key fits, transport::ListenerError when
// the listener cannot open. The signatures themselves go through the dispatcher, like REST ones; with
// Web3Signer enabled, on `blocking_work`.
std::unique_ptr<SignerServer> start_signer_server(const Config& config, const Custody& custody,
                                                  const std::vector<std::string>& transient, runtime::RegistryHolder& registry,
                                                  runtime::Dispatcher& dispatcher, WorkQueue& blocking_work);

}  // namespace cryftee::grpc_signer
