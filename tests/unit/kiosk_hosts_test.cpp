#include "http/kiosk_hosts.h"

#include <boost/beast/http/fields.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "http/request_head.h"

namespace cryftee::http {
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

std::string error_of(const std::optional<Response>& response) {
  return response ? nlohmann::json::parse(response->body)["error"].get<std::string>() : "";
}

TEST(RequestHead, RefusesDuplicateHostAndOtherTransferEncodings) {
  EXPECT_FALSE(refuse_head(head({{"Host", "localhost"}}), nullptr));
  EXPECT_FALSE(refuse_head(head({{"Host", "localhost"}, {"Transfer-Encoding", "Chunked"}}), nullptr));
  const auto duplicate = refuse_head(head({{"Host", "localhost"}, {"Host", "evil.example"}}), nullptr);
  ASSERT_TRUE(duplicate);
  EXPECT_EQ(duplicate->status, 400);
  EXPECT_EQ(error_of(duplicate), "duplicate_host");
  for (const char* encoding : {"gzip, chunked", "identity", "gzip"}) {
    const auto refused = refuse_head(head({{"Transfer-Encoding", encoding}}), nullptr);
    EXPECT_EQ(error_of(refused), "unsupported_transfer_encoding") << encoding;
  }
  EXPECT_EQ(error_of(refuse_head(head({{"Transfer-Encoding", "chunked"}, {"Transfer-Encoding", "chunked"}}), nullptr)),
            "unsupported_transfer_encoding");
}

TEST(RequestHead, TheKioskAnswersForeignHostsWith421) {
  const KioskHosts loopback = hosts("127.0.0.1");
  EXPECT_FALSE(refuse_head(head({{"Host", "127.0.0.1:323"}}), &loopback));
  const auto foreign = refuse_head(head({{"Host", "evil.example"}}), &loopback);
  ASSERT_TRUE(foreign);
  EXPECT_EQ(foreign->status, 421);
  EXPECT_EQ(error_of(foreign), "misdirected_request");
  EXPECT_EQ(error_of(refuse_head(head({}), &loopback)), "misdirected_request");
  // The API listener has no Host allow-list.
  EXPECT_FALSE(refuse_head(head({{"Host", "evil.example"}}), nullptr));
}

}  // namespace
}  // namespace cryftee::http
