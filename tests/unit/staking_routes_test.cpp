// The staking routes with no module runtime attached: requests are still checked (bad JSON, kiosk),
// then answered 503 "no_runtime". Dispatch to modules is tested with the real engine elsewhere.
#include <gtest/gtest.h>

#include "api_fixture.h"

namespace cryftee::api {
namespace {

using nlohmann::json;
using api_test::ApiRoutes;

TEST_F(ApiRoutes, StakingRoutesCheckJsonThenNeedARuntime) {
  const std::map<std::string, std::string> capability_of = {
      {"/v1/staking/bls/register", "bls_register"}, {"/v1/staking/bls/sign", "bls_sign"},
      {"/v1/staking/tls/register", "tls_register"}, {"/v1/staking/tls/sign", "tls_sign"}};
  for (const auto& [path, capability] : capability_of) {
    SCOPED_TRACE(capability);
    EXPECT_EQ(body_of(call("POST", path, "{\"mode\":"))["error"], "bad_json") << path;
    EXPECT_EQ(call("POST", path, "").status, 400) << path;
    const Response response = call("POST", path, R"({"mode":"generate"})");
    EXPECT_EQ(response.status, 503) << path;
    EXPECT_EQ(body_of(response)["error"], "no_runtime");
    EXPECT_EQ(call("POST", path, "{}", ListenerKind::Kiosk, PeerTransport::Tcp, true).status, 403) << path;
  }
}

}  // namespace
}  // namespace cryftee::api
