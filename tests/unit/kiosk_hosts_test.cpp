#include "api/kiosk_hosts.h"

#include <boost/beast/http/fields.hpp>
#include <algorithm>
#include <optional>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "api/json_response.h"
#include "api/listener_fronts.h"
#include "transport/request_head.h"

namespace cryftee::api {
namespace {

namespace ip = boost::asio::ip;

KioskHosts hosts(const std::string& listen, std::vector<std::string> names = {}) {
  return KioskHosts(HostPort{listen, 323}, std::move(names),
                    [] { return std::vector<ip::address>{ip::make_address("10.1.2.3"), ip::make_address("fd00::5")}; });
}

TEST(KioskHosts, AnswersItsListenAddressAndConfiguredNamesOnly) {
  const KioskHosts loopback = hosts("127.0.0.1", {"kiosk.example"});
  for (const char* host : {"127.0.0.1", "127.0.0.1:323", "localhost", "LOCALHOST:8080", "kiosk.example",
                           "Kiosk.Example.:323"}) {
    EXPECT_TRUE(loopback.allows(host)) << host;
  }
  for (const char* host : {"evil.example", "evil.example:323", "127.0.0.1.evil.example", "10.1.2.3", "127.0.0.2",
                           "", ":323", "[::1", "::1", "kiosk.example.evil"}) {
    EXPECT_FALSE(loopback.allows(host)) << host;
  }
}

TEST(KioskHosts, OnAWildcardAddressAnswersThisMachinesAddresses) {
  const KioskHosts any = hosts("0.0.0.0");
  for (const char* host : {"10.1.2.3:323", "[fd00::5]:323", "[::1]", "127.0.0.1", "localhost", "[::ffff:10.1.2.3]"}) {
    EXPECT_TRUE(any.allows(host)) << host;
  }
  for (const char* host : {"10.1.2.4", "evil.example", "[fd00::6]"}) EXPECT_FALSE(any.allows(host)) << host;
}

TEST(KioskHosts, OnAPublicAddressLocalhostIsNotItsName) {
  const KioskHosts one = hosts("10.1.2.3");
  EXPECT_TRUE(one.allows("10.1.2.3:323"));
  EXPECT_FALSE(one.allows("localhost"));
  EXPECT_FALSE(one.allows("127.0.0.1"));
}

boost::beast::http::fields head(std::initializer_list<std::pair<const char*, const char*>> fields) {
  boost::beast::http::fields out;
  for (const auto& [name, value] : fields) out.insert(name, value);
  return out;
}

std::string error_of(const std::optional<Error>& error) { return error ? error->code() : ""; }

TEST(RequestHead, RefusesDuplicateHostAndOtherTransferEncodings) {
  using transport::refuse_head;
  EXPECT_FALSE(refuse_head(head({{"Host", "localhost"}})));
  EXPECT_FALSE(refuse_head(head({{"Host", "localhost"}, {"Transfer-Encoding", "Chunked"}})));
  const auto duplicate = refuse_head(head({{"Host", "localhost"}, {"Host", "evil.example"}}));
  ASSERT_TRUE(duplicate);
  EXPECT_EQ(duplicate->status(), 400);
  EXPECT_EQ(error_of(duplicate), "duplicate_host");
  for (const char* encoding : {"gzip, chunked", "identity", "gzip"}) {
    const auto refused = refuse_head(head({{"Transfer-Encoding", encoding}}));
    EXPECT_EQ(error_of(refused), "unsupported_transfer_encoding") << encoding;
  }
  EXPECT_EQ(error_of(refuse_head(head({{"Transfer-Encoding", "chunked"}, {"Transfer-Encoding", "chunked"}}))),
            "unsupported_transfer_encoding");
}

// What a front answers, waiting for it.
Response answer(const transport::Handler& front, Request request) {
  std::optional<Response> out;
  front.handle(std::move(request), [&out](Response response) { out = std::move(response); });
  return *out;
}

Request kiosk_get(std::optional<std::string> host) {
  Request request;
  request.method = "GET";
  request.target = request.path = "/v1/runtime/self";
  if (host) request.headers["host"] = *host;
  request.peer.transport = PeerTransport::Tcp;
  return request;
}

TEST(KioskFront, AnswersForeignHostsWith421AndMarksItsRequests) {
  Router router(AccessPolicy{});
  std::optional<ListenerKind> seen;
  router.add("GET", "/v1/runtime/self", Access::ReadOnly, [&seen](const Request& request) {
    seen = request.listener;
    return json_response({{"ok", true}});
  });
  const KioskFront kiosk(router, hosts("127.0.0.1"));
  const Response served = answer(kiosk, kiosk_get("127.0.0.1:323"));
  EXPECT_EQ(served.status, 200);
  EXPECT_EQ(seen, ListenerKind::Kiosk);
  // Every kiosk answer carries its security headers.
  EXPECT_TRUE(std::any_of(served.headers.begin(), served.headers.end(),
                          [](const auto& header) { return header.first == "Content-Security-Policy"; }));
  for (const auto& host : std::vector<std::optional<std::string>>{"evil.example", std::nullopt}) {
    seen.reset();
    const Response foreign = answer(kiosk, kiosk_get(host));
    EXPECT_EQ(foreign.status, 421);
    EXPECT_EQ(foreign.error_code, "misdirected_request");
    EXPECT_FALSE(seen) << "no route runs for a foreign Host";
  }
  // The API front has no Host allow-list.
  const ApiFront api(router);
  EXPECT_EQ(answer(api, kiosk_get("evil.example")).status, 200);
  EXPECT_EQ(seen, ListenerKind::Api);
}

TEST(ListenerFronts, RenderTheTransportsRefusalsAsJsonErrors) {
  Router router(AccessPolicy{});
  const ApiFront api(router);
  const KioskFront kiosk(router, hosts("127.0.0.1"));
  for (const transport::Handler* front : {static_cast<const transport::Handler*>(&api), static_cast<const transport::Handler*>(&kiosk)}) {
    const Response refused = front->refuse(Error(413, "body_too_large", "too big"));
    EXPECT_EQ(refused.status, 413);
    EXPECT_EQ(refused.error_code, "body_too_large");
    EXPECT_EQ(nlohmann::json::parse(refused.body), nlohmann::json({{"error", "body_too_large"}, {"message", "too big"}}));
  }
}

}  // namespace
}  // namespace cryftee::api
