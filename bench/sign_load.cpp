#include "sign_load.h"

#include <algorithm>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "batch_verify.h"
#include "crypto/bls.h"
#include "message.h"
#include "util/encoding.h"
#include "util/json_scan.h"
#include "util/json_string_member.h"

namespace cryftee::bench {
namespace {

constexpr std::string_view kRegisterTarget = "/v1/staking/bls/register";
constexpr std::string_view kSignTarget = "/v1/staking/bls/sign";

std::optional<Bytes> base64_field(const nlohmann::json& object, const char* name, std::size_t size) {
  if (!object.is_object() || !object.contains(name) || !object[name].is_string()) return std::nullopt;
  auto bytes = base64_decode(object[name].get<std::string>());
  if (!bytes || bytes->size() != size) return std::nullopt;
  return bytes;
}

// The one "signatureB64" of a sign answer, decoded. The answer is read with the daemon's JSON scanner
// (util/json_string_member.h) rather than parsed into a tree, for the reason sign_request_body gives.
std::optional<Bytes> signature_field(std::string_view body) {
  const std::optional<std::string> written = json_string_member(body, "signatureB64");
  std::optional<Bytes> bytes = written ? base64_decode(*written) : std::nullopt;
  if (!bytes || bytes->size() != bls::kSignatureSize) return std::nullopt;
  return bytes;
}

// A LoadClient that signs a distinct message per request and keeps every good signature for the check.
class SigningLoadClient final : public LoadClient {
 public:
  SigningLoadClient(std::unique_ptr<SignClient> client, std::uint64_t stream, std::vector<SignedMessage>& kept)
      : client_(std::move(client)), stream_(stream), kept_(kept) {}

  std::optional<std::string> request(std::uint64_t counter) override {
    const Message message = make_message(stream_, counter);
    Bytes signature;
    auto problem = client_->sign(message, &signature);
    if (problem) return problem;
    SignedMessage& kept = kept_.emplace_back();
    kept.message = message;
    std::copy(signature.begin(), signature.end(), kept.signature.begin());
    return std::nullopt;
  }

 private:
  std::unique_ptr<SignClient> client_;
  std::uint64_t stream_;
  std::vector<SignedMessage>& kept_;
};

class HttpSignClient final : public SignClient {
 public:
  HttpSignClient(const std::filesystem::path& socket_path, std::string key_handle)
      : client_(socket_path), key_handle_(std::move(key_handle)) {}

  std::optional<std::string> sign(ByteView message, Bytes* signature) override {
    return check_sign_answer(client_.post_json(kSignTarget, sign_request_body(key_handle_, message)), signature);
  }

 private:
  UdsHttpClient client_;
  std::string key_handle_;
};

}  // namespace

RegisteredKey register_key(UdsHttpClient& client) {
  const HttpResponse response = client.post_json(kRegisterTarget, R"({"mode":"generate"})");
  const auto json = nlohmann::json::parse(response.body, nullptr, false);
  auto public_key = base64_field(json, "blsPubKeyB64", bls::kPublicKeySize);
  if (response.status != 200 || !json.contains("keyHandle") || !json["keyHandle"].is_string() || !public_key) {
    throw std::runtime_error("register answered " + std::to_string(response.status) + ": " + response.shown_body());
  }
  return {json["keyHandle"].get<std::string>(), std::move(*public_key)};
}

// Written by hand rather than through a JSON tree: the clients share the cores with the daemon, so what
// they spend per request counts against the daemon's figures.
std::string sign_request_body(const std::string& key_handle, ByteView message) {
  std::string body = R"({"keyHandle":)";
  append_json_string(body, key_handle);
  body += R"(,"message":)";
  append_json_string(body, base64_encode(message));
  body += '}';
  return body;
}

std::optional<std::string> check_sign_answer(const HttpResponse& response, Bytes* signature) {
  if (response.status != 200) return "status " + std::to_string(response.status) + ": " + response.shown_body();
  auto decoded = signature_field(response.body);
  if (!decoded) return "200 without a 96-byte signatureB64: " + response.shown_body();
  *signature = std::move(*decoded);
  return std::nullopt;
}

LoadResult run_load(const SignClientFactory& connect, ByteView public_key, const LoadPlan& plan) {
  // One list per client, kept across its reconnections (its counter goes on, so its messages stay distinct).
  std::vector<std::vector<SignedMessage>> kept(plan.clients);
  LoadResult result = run_clients(
      [&](unsigned index) { return std::make_unique<SigningLoadClient>(connect(), plan.stream + index, kept[index]); },
      plan);

  std::vector<SignedMessage> signed_messages;
  for (const auto& mine : kept) signed_messages.insert(signed_messages.end(), mine.begin(), mine.end());
  if (verify_all(public_key, signed_messages, std::max(1u, std::thread::hardware_concurrency()))) {
    result.verified = signed_messages.size();
  } else {
    add_failure(result, "of the " + std::to_string(signed_messages.size()) +
                            " signatures of this run, at least one does not verify against the registered public key");
  }
  return result;
}

LoadResult run_sign_load(const std::filesystem::path& socket_path, const RegisteredKey& key, const LoadPlan& plan) {
  return run_load([&] { return std::make_unique<HttpSignClient>(socket_path, key.handle); }, key.public_key, plan);
}

}  // namespace cryftee::bench
