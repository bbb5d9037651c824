#include "sign_load.h"

#include <atomic>
#include <latch>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "batch_verify.h"
#include "crypto/bls.h"
#include "bench_limits.h"
#include "message.h"
#include "util/encoding.h"

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

std::string shorten(const std::string& text) {
  constexpr std::size_t kMaxShown = 200;
  return text.size() <= kMaxShown ? text : text.substr(0, kMaxShown) + "...";
}

// Collects failures from all clients; keeps the first few messages.
class FailureLog {
 public:
  void add(std::string what) {
    std::lock_guard lock(mutex_);
    ++count_;
    if (samples_.size() < kMaxFailuresShown) samples_.push_back(std::move(what));
  }
  void move_into(LoadResult& result) {
    result.failures = count_;
    result.failure_samples = std::move(samples_);
  }

 private:
  std::mutex mutex_;
  std::size_t count_ = 0;
  std::vector<std::string> samples_;
};

struct ClientRecord {
  std::vector<Clock::duration> latencies;
  std::vector<SignedMessage> signed_messages;  // every counted answer, checked after the run
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
    throw std::runtime_error("register answered " + std::to_string(response.status) + ": " + shorten(response.body));
  }
  return {json["keyHandle"].get<std::string>(), std::move(*public_key)};
}

std::string sign_request_body(const std::string& key_handle, ByteView message) {
  return nlohmann::json{{"keyHandle", key_handle}, {"message", base64_encode(message)}}.dump();
}

std::optional<std::string> check_sign_answer(const HttpResponse& response, Bytes* signature) {
  if (response.status != 200) return "status " + std::to_string(response.status) + ": " + shorten(response.body);
  const auto json = nlohmann::json::parse(response.body, nullptr, false);
  auto decoded = base64_field(json, "signatureB64", bls::kSignatureSize);
  if (!decoded) return "200 without a 96-byte signatureB64: " + shorten(response.body);
  *signature = std::move(*decoded);
  return std::nullopt;
}

LoadResult run_load(const SignClientFactory& connect, ByteView public_key, const LoadPlan& plan) {
  std::vector<ClientRecord> records(plan.clients);
  FailureLog failures;
  std::atomic<std::size_t> issued{0};
  std::latch start(plan.clients + 1);
  Clock::time_point deadline;

  std::vector<std::jthread> clients;
  for (unsigned index = 0; index < plan.clients; ++index) {
    clients.emplace_back([&, index] {
      ClientRecord& record = records[index];
      std::unique_ptr<SignClient> client;
      try {
        client = connect();
      } catch (const std::exception& error) {
        failures.add(error.what());
      }
      start.arrive_and_wait();
      if (!client) return;
      for (std::uint64_t counter = 0;; ++counter) {
        if (plan.signs != 0 && issued.fetch_add(1, std::memory_order_relaxed) >= plan.signs) break;
        const Message message = make_message(plan.stream + index, counter);
        const auto before = Clock::now();
        if (before >= deadline) break;
        try {
          Bytes signature;
          auto problem = client->sign(message, &signature);
          const auto latency = Clock::now() - before;
          if (problem) {
            failures.add(std::move(*problem));
            continue;
          }
          record.latencies.push_back(latency);
          SignedMessage& kept = record.signed_messages.emplace_back();
          kept.message = message;
          std::copy(signature.begin(), signature.end(), kept.signature.begin());
        } catch (const std::exception& error) {
          // A daemon that is gone fails the new connection too and ends this client here.
          failures.add(error.what());
          try {
            client = connect();
          } catch (const std::exception& reconnect_error) {
            failures.add(reconnect_error.what());
            return;
          }
        }
      }
    });
  }
  const auto began = Clock::now();
  deadline = plan.duration == Clock::duration::max() ? Clock::time_point::max() : began + plan.duration;
  start.arrive_and_wait();
  clients.clear();
  const auto elapsed = Clock::now() - began;

  LoadResult result;
  std::vector<Clock::duration> all;
  std::vector<SignedMessage> signed_messages;
  for (const auto& record : records) {
    all.insert(all.end(), record.latencies.begin(), record.latencies.end());
    signed_messages.insert(signed_messages.end(), record.signed_messages.begin(), record.signed_messages.end());
  }
  if (verify_all(public_key, signed_messages, std::max(1u, std::thread::hardware_concurrency()))) {
    result.verified = signed_messages.size();
  } else {
    failures.add("of the " + std::to_string(signed_messages.size()) +
                 " signatures of this run, at least one does not verify against the registered public key");
  }
  result.summary = summarize(std::move(all), elapsed);
  failures.move_into(result);
  return result;
}

LoadResult run_sign_load(const std::filesystem::path& socket_path, const RegisteredKey& key, const LoadPlan& plan) {
  return run_load([&] { return std::make_unique<HttpSignClient>(socket_path, key.handle); }, key.public_key, plan);
}

}  // namespace cryftee::bench
