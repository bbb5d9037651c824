// --bls-policy and --bls-warp-network-id: the signer module's policy as the operator sets it.
#include <gtest/gtest.h>

#include "config_test_support.h"

namespace cryftee {
namespace {

using testing::load;
using testing::load_error;

TEST(SigningPolicyConfig, DefaultsToAvalancheWithNoWarpNetwork) {
  const Config config = load();
  EXPECT_EQ(config.signing_policy.bls, BlsPolicy::Avalanche);
  EXPECT_FALSE(config.signing_policy.warp_network_id.has_value());
}

TEST(SigningPolicyConfig, FlagAndEnvironmentChooseThePolicy) {
  EXPECT_EQ(load({"--bls-policy", "open"}).signing_policy.bls, BlsPolicy::Open);
  EXPECT_EQ(load({}, {{"CRYFTEE_BLS_POLICY", "open"}}).signing_policy.bls, BlsPolicy::Open);
  EXPECT_EQ(load({"--bls-policy", "avalanche"}, {{"CRYFTEE_BLS_POLICY", "open"}}).signing_policy.bls, BlsPolicy::Avalanche);
  EXPECT_EQ(load({"--bls-warp-network-id", "12345"}).signing_policy.warp_network_id, 12345u);
  EXPECT_EQ(load({}, {{"CRYFTEE_BLS_WARP_NETWORK_ID", "1"}}).signing_policy.warp_network_id, 1u);
}

TEST(SigningPolicyConfig, RefusesUnknownPoliciesAndOutOfRangeNetworks) {
  EXPECT_NE(load_error({"--bls-policy", "permissive"}).find("--bls-policy"), std::string::npos);
  EXPECT_NE(load_error({"--bls-warp-network-id", "4294967296"}).find("--bls-warp-network-id"), std::string::npos);
}

}  // namespace
}  // namespace cryftee
