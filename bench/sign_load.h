#pragma once
// BLS signing through the daemon from concurrent clients, each on a connection of its own: the REST API
// (POST /v1/staking/bls/sign over HTTP/1.1 keep-alive) or the gRPC signer (grpc_sign_client.h).
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "load_runner.h"
#include "uds_http_client.h"
#include "util/bytes.h"

namespace cryftee::bench {

struct RegisteredKey {
  std::string handle;
  Bytes public_key;  // 48-byte compressed G1
};

// POST /v1/staking/bls/register {"mode":"generate"}; throws std::runtime_error unless it answers 200 with a
// key handle and a 48-byte public key.
RegisteredKey register_key(UdsHttpClient& client);

std::string sign_request_body(const std::string& key_handle, ByteView message);
// What is wrong with a sign answer (not 200, no 96-byte signatureB64), or nullopt when it is good; a good
// signature is stored in *signature.
std::optional<std::string> check_sign_answer(const HttpResponse& response, Bytes* signature);

// One client on one connection.
class SignClient {
 public:
  virtual ~SignClient() = default;
  // Signs `message` with the signature DST: nullopt and the 96 bytes in *signature, or what went wrong.
  // Throws std::runtime_error on a transport error; the runner then connects anew.
  virtual std::optional<std::string> sign(ByteView message, Bytes* signature) = 0;
};
// Opens a connection; throws std::runtime_error when it cannot.
using SignClientFactory = std::function<std::unique_ptr<SignClient>()>;

// run_clients (load_runner.h) where every request signs a distinct 32-byte message. Every counted signature
// is verified against `public_key` afterwards, untimed (batch_verify.h).
LoadResult run_load(const SignClientFactory& connect, ByteView public_key, const LoadPlan& plan);

// run_load over the REST API on the daemon's Unix socket, with the registered key.
LoadResult run_sign_load(const std::filesystem::path& socket_path, const RegisteredKey& key, const LoadPlan& plan);

}  // namespace cryftee::bench
