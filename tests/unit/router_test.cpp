#include "api/router.h"

#include "api/json_response.h"
#include "util/error.h"

#include <gtest/gtest.h>

namespace cryftee::api {
namespace {

Request make(std::string method, std::string path, PeerTransport transport = PeerTransport::Unix,
             bool loopback = true) {
  Request r;
  r.method = std::move(method);
  r.target = path;
  r.path = std::move(path);
  r.peer.transport = transport;
  r.peer.loopback = loopback;
  return r;
}

Router make_router(const std::string* token, bool loopback_admin = true) {
  Router router(AccessPolicy{token, loopback_admin});
  router.add("GET", "/v1/staking/status", Access::ReadOnly, [](const Request&) { return json_response({{"ok", true}}); });
  router.add("POST", "/v1/staking/bls/sign", Access::Staking, [](const Request&) { return json_response({{"signed", true}}); });
  router.add("POST", "/v1/admin/reload-modules", Access::Admin, [](const Request&) { return json_response({{"reloaded", true}}); });
  router.add("GET", "/v1/throws", Access::ReadOnly, [](const Request&) -> Response { throw cryftee::not_found("no such key", "key_not_found"); });
  return router;
}

TEST(Router, UnknownRouteIsA404JsonError) {
  auto router = make_router(nullptr);
  auto res = router.handle(make("GET", "/v1/nope"));
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(nlohmann::json::parse(res.body)["error"], "route_not_found");
}

TEST(Router, WrongMethodIs405WithTheAllowedMethods) {
  auto router = make_router(nullptr);
  auto res = router.handle(make("DELETE", "/v1/staking/status"));
  EXPECT_EQ(res.status, 405);
  EXPECT_EQ(nlohmann::json::parse(res.body)["error"], "method_not_allowed");
  ASSERT_EQ(res.headers.size(), 1u);
  EXPECT_EQ(res.headers[0].first, "Allow");
  EXPECT_EQ(res.headers[0].second, "GET, HEAD");
  res = router.handle(make("GET", "/v1/staking/bls/sign"));
  EXPECT_EQ(res.status, 405);
  ASSERT_EQ(res.headers.size(), 1u);
  EXPECT_EQ(res.headers[0].second, "POST");
}

// The kiosk's static files are a prefix route on "/": it must not answer for API paths.
TEST(Router, PrefixRoutesStopAboveTheApi) {
  auto router = make_router(nullptr);
  router.add_prefix("/", Access::ReadOnly, [](const Request&) { return Response{200, "text/html", "page", {}}; });
  for (const char* method : {"GET", "POST", "DELETE"}) {
    auto res = router.handle(make(method, "/v1/no/such/route"));
    EXPECT_EQ(res.status, 404) << method;
    EXPECT_EQ(nlohmann::json::parse(res.body)["error"], "route_not_found") << method;
  }
  EXPECT_EQ(router.handle(make("GET", "/v1/staking/status")).status, 200);
  EXPECT_EQ(router.handle(make("GET", "/v1")).body, "page");
  EXPECT_EQ(router.handle(make("GET", "/index.html")).body, "page");
  auto res = router.handle(make("POST", "/index.html"));
  EXPECT_EQ(res.status, 405);
  ASSERT_EQ(res.headers.size(), 1u);
  EXPECT_EQ(res.headers[0].second, "GET, HEAD");
}

TEST(Router, ListsItsRoutesInOrder) {
  auto router = make_router(nullptr);
  router.add_prefix("/", Access::ReadOnly, [](const Request&) { return Response{}; });
  const auto routes = router.routes();
  ASSERT_EQ(routes.size(), 5u);
  EXPECT_EQ(routes[1].method, "POST");
  EXPECT_EQ(routes[1].path, "/v1/staking/bls/sign");
  EXPECT_EQ(routes[1].access, Access::Staking);
  EXPECT_FALSE(routes[1].prefix);
  EXPECT_EQ(routes[4].path, "/");
  EXPECT_TRUE(routes[4].prefix);
  EXPECT_STREQ(access_name(routes[2].access), "admin");
}

TEST(Router, HandlerErrorsBecomeTheJsonErrorShape) {
  auto router = make_router(nullptr);
  auto res = router.handle(make("GET", "/v1/throws"));
  EXPECT_EQ(res.status, 404);
  auto body = nlohmann::json::parse(res.body);
  EXPECT_EQ(body["error"], "key_not_found");
  EXPECT_EQ(body["message"], "no such key");
}

TEST(Router, KioskListenerNeverServesStakingRoutes) {
  const std::string token = "secret-token";
  auto router = make_router(&token);
  auto req = make("POST", "/v1/staking/bls/sign", PeerTransport::Tcp, true);
  req.listener = ListenerKind::Kiosk;
  req.headers["authorization"] = "Bearer secret-token";
  const Response refused = router.handle(req);
  EXPECT_EQ(refused.status, 403);
  const auto body = nlohmann::json::parse(refused.body);
  EXPECT_EQ(body["error"], "not_on_kiosk");
  const std::string message = body["message"];
  EXPECT_NE(message.find("POST /v1/staking/bls/sign is an API route"), std::string::npos) << message;
  EXPECT_NE(message.find("served on the API listener only"), std::string::npos) << message;
}

TEST(Router, AdminNeedsTokenFromANonLocalPeer) {
  const std::string token = "secret-token";
  auto router = make_router(&token);
  auto req = make("POST", "/v1/admin/reload-modules", PeerTransport::Tcp, false);
  EXPECT_EQ(router.handle(req).status, 401);
  req.headers["authorization"] = "Bearer wrong";
  EXPECT_EQ(router.handle(req).status, 403);
  req.headers["authorization"] = "Bearer secret-token";
  EXPECT_EQ(router.handle(req).status, 200);
}

TEST(Router, SocketAdminNeedsSameOrigin) {
  auto router = make_router(nullptr);
  auto req = make("POST", "/v1/admin/reload-modules");
  req.headers["host"] = "localhost";
  EXPECT_EQ(router.handle(req).status, 200);
  req.headers["origin"] = "http://localhost";
  EXPECT_EQ(router.handle(req).status, 200);
  req.headers["origin"] = "http://evil.example";
  EXPECT_EQ(router.handle(req).status, 403);
}

TEST(Router, SocketAdminCanBeSwitchedOff) {
  const std::string token = "secret-token";
  auto router = make_router(&token, false);
  EXPECT_EQ(router.handle(make("POST", "/v1/admin/reload-modules")).status, 401);
}

TEST(Router, LoopbackIsNoIdentityOverTcp) {
  const std::string token = "secret-token";
  auto router = make_router(&token);
  EXPECT_EQ(router.handle(make("POST", "/v1/admin/reload-modules", PeerTransport::Tcp, true)).status, 401);
  EXPECT_EQ(router.handle(make("POST", "/v1/staking/bls/sign", PeerTransport::Tls, true)).status, 401);
  auto no_token_configured = make_router(nullptr);
  const auto refused = no_token_configured.handle(make("POST", "/v1/admin/reload-modules", PeerTransport::Tcp, true));
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(nlohmann::json::parse(refused.body)["error"], "admin_token_not_configured");
}

TEST(Router, KioskAdminNeedsTheTokenAndTheKioskHeader) {
  const std::string token = "secret-token";
  auto router = make_router(&token);
  auto req = make("POST", "/v1/admin/reload-modules", PeerTransport::Tcp, true);
  req.listener = ListenerKind::Kiosk;
  req.headers["authorization"] = "Bearer secret-token";
  const auto missing = router.handle(req);
  EXPECT_EQ(missing.status, 403);
  EXPECT_EQ(nlohmann::json::parse(missing.body)["error"], "kiosk_header_missing");
  req.headers[kKioskRequestHeader] = "1";
  EXPECT_EQ(router.handle(req).status, 200);
  req.headers.erase("authorization");
  EXPECT_EQ(router.handle(req).status, 401);
}

TEST(Router, SameSiteIsNotSameOrigin) {
  const std::string token = "secret-token";
  auto router = make_router(&token);
  auto req = make("POST", "/v1/admin/reload-modules", PeerTransport::Tcp, false);
  req.headers["authorization"] = "Bearer secret-token";
  for (const char* site : {"same-site", "cross-site"}) {
    req.headers["sec-fetch-site"] = site;
    EXPECT_EQ(router.handle(req).status, 403) << site;
  }
  req.headers["sec-fetch-site"] = "same-origin";
  EXPECT_EQ(router.handle(req).status, 200);
}

TEST(Router, WrongTokensFromOnePeerAreRateLimited) {
  const std::string token = "secret-token";
  auto router = make_router(&token);
  auto guess = make("POST", "/v1/admin/reload-modules", PeerTransport::Tcp, false);
  guess.peer.limit_key = "192.0.2.7";
  guess.headers["authorization"] = "Bearer wrong";
  for (std::size_t i = 0; i < kMaxFailedTokens; ++i) EXPECT_EQ(router.handle(guess).status, 403) << i;
  guess.headers["authorization"] = "Bearer secret-token";
  const auto limited = router.handle(guess);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(nlohmann::json::parse(limited.body)["error"], "too_many_attempts");
  ASSERT_EQ(limited.headers.size(), 1u);
  EXPECT_EQ(limited.headers[0].first, "Retry-After");
  EXPECT_GE(std::stoi(limited.headers[0].second), 1);
  auto other = guess;
  other.peer.limit_key = "192.0.2.8";
  EXPECT_EQ(router.handle(other).status, 200);
}

TEST(TokenAttempts, TheWindowEnds) {
  TokenAttempts attempts;
  const auto start = TokenAttempts::Clock::now();
  for (std::size_t i = 0; i < kMaxFailedTokens; ++i) attempts.record_failure("peer", start);
  EXPECT_EQ(attempts.wait_for("peer", start), kFailedTokenWindow);
  EXPECT_EQ(attempts.wait_for("peer", start + kFailedTokenWindow - std::chrono::milliseconds(1500)), std::chrono::seconds(2));
  EXPECT_EQ(attempts.wait_for("peer", start + kFailedTokenWindow).count(), 0);
  EXPECT_EQ(attempts.wait_for("someone else", start).count(), 0);
  attempts.record_failure("peer", start + kFailedTokenWindow);
  EXPECT_EQ(attempts.wait_for("peer", start + kFailedTokenWindow).count(), 0);
}

TEST(TokenAttempts, ManyPeersDoNotGrowTheTableWithoutBound) {
  TokenAttempts attempts;
  const auto start = TokenAttempts::Clock::now();
  for (std::size_t i = 0; i < kMaxTrackedTokenPeers + 10; ++i) attempts.record_failure("peer-" + std::to_string(i), start);
  for (std::size_t i = 0; i < kMaxFailedTokens; ++i) attempts.record_failure("latest", start);
  EXPECT_GT(attempts.wait_for("latest", start).count(), 0);
}

TEST(Router, StakingOverTcpNeedsCertificateOrToken) {
  const std::string token = "secret-token";
  auto router = make_router(&token, false);
  auto req = make("POST", "/v1/staking/bls/sign", PeerTransport::Tls, false);
  EXPECT_EQ(router.handle(req).status, 401);
  req.peer.client_cert_verified = true;
  EXPECT_EQ(router.handle(req).status, 200);
}

// The loopback http transport: a peer the kernel named has passed the uid allow-list, like a socket peer.
TEST(Router, LoopbackPeerWithAKernelNamedUidIsServedLikeASocketPeer) {
  auto router = make_router(nullptr, false);
  auto req = make("POST", "/v1/staking/bls/sign", PeerTransport::Tcp, true);
  EXPECT_EQ(router.handle(req).status, 401);
  req.peer.uid = 1000;
  req.headers["host"] = "127.0.0.1:8787";
  EXPECT_EQ(router.handle(req).status, 200);
  req.peer.loopback = false;
  EXPECT_EQ(router.handle(req).status, 401);
}

// DNS rebinding: a web page whose own host name now points at 127.0.0.1 sends that name as Host (and as
// Origin, so the same-origin check alone would let it through).
TEST(Router, LoopbackHttpTransportAnswersLoopbackHostNamesOnly) {
  auto router = make_router(nullptr);
  for (const char* host : {"127.0.0.1:8787", "127.0.0.1", "127.8.9.10:1", "[::1]:8787", "[::1]", "localhost:8787",
                           "LOCALHOST"}) {
    auto req = make("POST", "/v1/staking/bls/sign", PeerTransport::Tcp, true);
    req.peer.uid = 1000;
    req.headers["host"] = host;
    EXPECT_EQ(router.handle(req).status, 200) << host;
  }
  for (const char* host : {"evil.example:8787", "evil.example", "10.0.0.1:8787", "[::2]:8787", "127.0.0.1:x", "[::1",
                           "localhost.evil.example", ""}) {
    for (const char* path : {"/v1/staking/bls/sign", "/v1/staking/status"}) {
      auto req = make(std::string(path) == "/v1/staking/status" ? "GET" : "POST", path, PeerTransport::Tcp, true);
      req.peer.uid = 1000;
      req.headers["host"] = host;
      req.headers["origin"] = std::string("http://") + host;
      const Response refused = router.handle(req);
      EXPECT_EQ(refused.status, 403) << host << " " << path;
      EXPECT_EQ(nlohmann::json::parse(refused.body)["error"], "host_not_allowed") << host;
    }
  }
  auto no_host = make("GET", "/v1/staking/status", PeerTransport::Tcp, true);
  no_host.peer.uid = 1000;
  EXPECT_EQ(router.handle(no_host).status, 403);
}

TEST(ParseTarget, SplitsAndDecodesTheQuery) {
  std::string path;
  std::map<std::string, std::string> query;
  parse_target("/v1/runtime/attestation?nonce=a%2Bb&x=1+2&flag", path, query);
  EXPECT_EQ(path, "/v1/runtime/attestation");
  EXPECT_EQ(query["nonce"], "a+b");
  EXPECT_EQ(query["x"], "1 2");
  EXPECT_EQ(query.count("flag"), 1u);
}

}  // namespace
}  // namespace cryftee::api

namespace cryftee::api {
namespace {

TEST(Router, AnswersJsonEvenWhenThePathIsNotUtf8) {
  auto router = make_router(nullptr);
  auto res = router.handle(make("GET", "/v1/\x82\xff"));
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(nlohmann::json::parse(res.body)["error"], "route_not_found");
}

}  // namespace
}  // namespace cryftee::api
