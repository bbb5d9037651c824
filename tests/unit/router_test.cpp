#include "http/router.h"

#include "util/error.h"

#include <gtest/gtest.h>

namespace cryftee::http {
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
  router.add("GET", "/v1/staking/status", Access::ReadOnly, [](const Request&) { return Response::json({{"ok", true}}); });
  router.add("POST", "/v1/staking/bls/sign", Access::Staking, [](const Request&) { return Response::json({{"signed", true}}); });
  router.add("POST", "/v1/admin/reload-modules", Access::Admin, [](const Request&) { return Response::json({{"reloaded", true}}); });
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

TEST(Router, LoopbackAdminNeedsSameOrigin) {
  auto router = make_router(nullptr);
  auto req = make("POST", "/v1/admin/reload-modules", PeerTransport::Tcp, true);
  req.headers["host"] = "127.0.0.1:8323";
  EXPECT_EQ(router.handle(req).status, 200);
  req.headers["origin"] = "http://127.0.0.1:8323";
  EXPECT_EQ(router.handle(req).status, 200);
  req.headers["origin"] = "http://evil.example";
  EXPECT_EQ(router.handle(req).status, 403);
}

TEST(Router, LoopbackAdminCanBeSwitchedOff) {
  auto router = make_router(nullptr, false);
  EXPECT_EQ(router.handle(make("POST", "/v1/admin/reload-modules", PeerTransport::Tcp, true)).status, 401);
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
}  // namespace cryftee::http

namespace cryftee::http {
namespace {

TEST(Router, AnswersJsonEvenWhenThePathIsNotUtf8) {
  auto router = make_router(nullptr);
  auto res = router.handle(make("GET", "/v1/\x82\xff"));
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(nlohmann::json::parse(res.body)["error"], "route_not_found");
}

}  // namespace
}  // namespace cryftee::http
