// Fuzzes the request router: target parsing, route matching, the access policy (tokens, origins,
// listeners, peers) and JSON body handling. Input: one flag byte, then "METHOD TARGET\n", header lines
// "name: value\n", an empty line and the body. Every answer must be a JSON error or a handler's answer.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/json_body.h"
#include "api/json_response.h"
#include "api/router.h"

namespace {

using namespace cryftee::api;

const std::string kToken = "fuzz-admin-token-0123456789";

Router make_router(bool with_token, bool loopback_admin) {
  Router router(AccessPolicy{with_token ? &kToken : nullptr, loopback_admin});
  auto echo = [](const Request& request) { return json_response(json_object_body(request)); };
  router.add("GET", "/v1/staking/status", Access::ReadOnly, [](const Request& r) { return json_response({{"q", r.query}}); });
  router.add("POST", "/v1/staking/bls/sign", Access::Staking, echo);
  router.add("POST", "/v1/admin/reload-modules", Access::Admin, echo);
  router.add_prefix("/", Access::ReadOnly, [](const Request& r) { return Response{200, "text/plain", r.path, {}}; });
  router.add_prefix("/modules/", Access::ReadOnly, [](const Request& r) { return Response{200, "text/plain", r.path, {}}; });
  return router;
}

Request parse_input(std::string_view input) {
  Request request;
  const auto blank = input.find("\n\n");
  std::string_view head = input.substr(0, blank);
  request.body = blank == std::string_view::npos ? std::string{} : std::string(input.substr(blank + 2));
  const auto first_line_end = head.find('\n');
  std::string_view first_line = head.substr(0, first_line_end);
  const auto space = first_line.find(' ');
  request.method = std::string(first_line.substr(0, space));
  request.target = space == std::string_view::npos ? std::string{} : std::string(first_line.substr(space + 1));
  parse_target(request.target, request.path, request.query);
  std::string_view headers = first_line_end == std::string_view::npos ? std::string_view{} : head.substr(first_line_end + 1);
  while (!headers.empty()) {
    const auto end = headers.find('\n');
    std::string_view line = headers.substr(0, end);
    headers = end == std::string_view::npos ? std::string_view{} : headers.substr(end + 1);
    const auto colon = line.find(": ");
    if (colon == std::string_view::npos) continue;
    request.headers[std::string(line.substr(0, colon))] = std::string(line.substr(colon + 2));
  }
  return request;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t flags = data[0];
  static const Router routers[4] = {make_router(false, false), make_router(false, true), make_router(true, false),
                                    make_router(true, true)};
  Request request = parse_input(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
  request.listener = (flags & 1) ? ListenerKind::Kiosk : ListenerKind::Api;
  request.peer.transport = static_cast<PeerTransport>((flags >> 1) % 3);
  request.peer.loopback = (flags & 8) != 0;
  request.peer.client_cert_verified = (flags & 16) != 0;
  const Response response = routers[(flags >> 5) & 3].handle(request);
  if (response.status < 200 || response.status > 599) std::abort();
  if (response.status >= 400) {
    const auto body = nlohmann::json::parse(response.body, nullptr, false);
    if (!body.is_object() || !body["error"].is_string() || !body["message"].is_string()) std::abort();
  }
  return 0;
}
