// The staking routes before module code can run: requests are checked, then answered 503 "no_module".
// The engine branch replaces staking_routes.cpp and this test with it.
#include <gtest/gtest.h>

#include "api_fixture.h"

namespace cryftee::http {
namespace {

using nlohmann::json;
using api_test::ApiRoutes;

TEST_F(ApiRoutes, StakingRoutesCheckJsonThenAnswerNoModule) {
  const std::map<std::string, std::string> capability_of = {
      {"/v1/staking/bls/register", "bls_register"}, {"/v1/staking/bls/sign", "bls_sign"},
      {"/v1/staking/tls/register", "tls_register"}, {"/v1/staking/tls/sign", "tls_sign"}};
  for (const auto& [path, capability] : capability_of) {
    EXPECT_EQ(body_of(call("POST", path, "{\"mode\":"))["error"], "bad_json") << path;
    EXPECT_EQ(call("POST", path, "").status, 400) << path;
    const Response response = call("POST", path, R"({"mode":"generate"})");
    EXPECT_EQ(response.status, 503) << path;
    EXPECT_EQ(body_of(response)["error"], "no_module");
    EXPECT_NE(body_of(response)["message"].get<std::string>().find("no module provides " + capability), std::string::npos);
    EXPECT_EQ(call("POST", path, "{}", ListenerKind::Kiosk, PeerTransport::Tcp, true).status, 403) << path;
  }
}

}  // namespace
}  // namespace cryftee::http
