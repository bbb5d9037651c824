#include "route_load.h"

#include <memory>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace cryftee::bench {
namespace {

constexpr std::string_view kSelfTarget = "/v1/runtime/self";
constexpr std::string_view kModuleCallTarget = "/v1/modules/call";
constexpr const char* kEchoModule = "debug_v1";

std::optional<std::string> check_self_answer(const HttpResponse& response) {
  if (response.status != 200) return "runtime/self: status " + std::to_string(response.status) + ": " + response.shown_body();
  const auto json = nlohmann::json::parse(response.body, nullptr, false);
  if (!json.is_object() || json.value("healthy", false) != true) {
    return "runtime/self: 200 without \"healthy\": true: " + response.shown_body();
  }
  return std::nullopt;
}

std::string echo_request_body(std::uint64_t counter) {
  return nlohmann::json{{"moduleId", kEchoModule}, {"operation", "debug_echo"}, {"request", {{"n", counter}}}}.dump();
}

std::optional<std::string> check_echo_answer(const HttpResponse& response, std::uint64_t counter) {
  if (response.status != 200) return "echo: status " + std::to_string(response.status) + ": " + response.shown_body();
  const auto json = nlohmann::json::parse(response.body, nullptr, false);
  const bool echoed = json.is_object() && json.value("moduleId", "") == kEchoModule && json.contains("echo") &&
                      json["echo"].is_object() && json["echo"].contains("n") &&
                      json["echo"]["n"].is_number_unsigned() && json["echo"]["n"].get<std::uint64_t>() == counter;
  if (!echoed) return "echo: 200 without {\"n\": " + std::to_string(counter) + "} echoed by debug_v1: " + response.shown_body();
  return std::nullopt;
}

class SelfRouteClient final : public LoadClient {
 public:
  explicit SelfRouteClient(const std::filesystem::path& socket_path) : client_(socket_path) {}
  std::optional<std::string> request(std::uint64_t) override { return check_self_answer(client_.get(kSelfTarget)); }

 private:
  UdsHttpClient client_;
};

class EchoClient final : public LoadClient {
 public:
  explicit EchoClient(const std::filesystem::path& socket_path) : client_(socket_path) {}
  std::optional<std::string> request(std::uint64_t counter) override {
    return check_echo_answer(client_.post_json(kModuleCallTarget, echo_request_body(counter)), counter);
  }

 private:
  UdsHttpClient client_;
};

}  // namespace

ExchangeSize probe_self_route(const std::filesystem::path& socket_path) {
  UdsHttpClient client(socket_path);
  if (auto problem = check_self_answer(client.get(kSelfTarget))) throw std::runtime_error(*problem);
  return client.last_exchange();
}

ExchangeSize probe_module_echo(const std::filesystem::path& socket_path) {
  UdsHttpClient client(socket_path);
  if (auto problem = check_echo_answer(client.post_json(kModuleCallTarget, echo_request_body(0)), 0)) {
    throw std::runtime_error(*problem);
  }
  return client.last_exchange();
}

LoadResult run_self_load(const std::filesystem::path& socket_path, const LoadPlan& plan) {
  return run_clients([&](unsigned) { return std::make_unique<SelfRouteClient>(socket_path); }, plan);
}

LoadResult run_echo_load(const std::filesystem::path& socket_path, const LoadPlan& plan) {
  return run_clients([&](unsigned) { return std::make_unique<EchoClient>(socket_path); }, plan);
}

}  // namespace cryftee::bench
