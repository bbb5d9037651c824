// The metrics a scrape shows: what was recorded, under bounded labels only.
#include "metrics/metrics.h"

#include <gtest/gtest.h>

namespace cryftee::metrics {
namespace {

TEST(Metrics, CountsRequestsByRoutePatternAndBoundsTheMethod) {
  Metrics metrics;
  metrics.observe_request("uds", "POST", "/v1/staking/bls/sign", 200, 0.0003);
  metrics.observe_request("uds", "POST", "/v1/staking/bls/sign", 200, 0.002);
  metrics.observe_request("kiosk", "BREW", kUnmatchedRoute, 405, 0.00001);
  const std::string text = metrics.render();
  EXPECT_NE(text.find("cryftee_http_requests_total{listener=\"uds\",method=\"POST\",route=\"/v1/staking/bls/sign\",status=\"200\"} 2"),
            std::string::npos) << text;
  EXPECT_NE(text.find("cryftee_http_requests_total{listener=\"kiosk\",method=\"other\",route=\"unmatched\",status=\"405\"} 1"),
            std::string::npos) << text;
  EXPECT_EQ(text.find("BREW"), std::string::npos);
  EXPECT_NE(text.find("cryftee_http_request_duration_seconds_count{listener=\"uds\",route=\"/v1/staking/bls/sign\"} 2"),
            std::string::npos) << text;
  EXPECT_NE(text.find("cryftee_http_request_duration_seconds_bucket{listener=\"uds\",route=\"/v1/staking/bls/sign\",le=\"0.0005\"} 1"),
            std::string::npos) << text;
}

TEST(Metrics, SignaturesFailuresRegistryAndBuild) {
  Metrics metrics;
  metrics.count_signature("bls", "pop", "bls_tls_signer_v1");
  metrics.count_module_call("debug_v1");
  metrics.count_module_failure("debug_v1", "timeout");
  metrics.set_registry(3, 2, 1);
  metrics.count_reload(false);
  metrics.count_keepalive_spin(true);
  metrics.count_keepalive_spin(true);
  const std::string text = metrics.render();
  for (const char* line : {"cryftee_signatures_total{dst=\"pop\",key_type=\"bls\",module=\"bls_tls_signer_v1\"} 1",
                           "cryftee_module_calls_total{module=\"debug_v1\"} 1",
                           "cryftee_module_call_failures_total{module=\"debug_v1\",reason=\"timeout\"} 1",
                           "cryftee_registry_epoch 3", "cryftee_modules{state=\"loaded\"} 2",
                           "cryftee_modules{state=\"not_loaded\"} 1",
                           "cryftee_registry_reloads_total{result=\"failed\"} 1",
                           "cryftee_registry_reloads_total{result=\"succeeded\"} 0",
                           "cryftee_keepalive_spins_total{outcome=\"request\"} 2",
                           "cryftee_keepalive_spins_total{outcome=\"none\"} 0"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
  }
  EXPECT_NE(text.find("cryftee_build_info{module_abi=\"1\",version=\""), std::string::npos) << text;
  // Web3Signer's gauge appears only once someone reports its health.
  EXPECT_EQ(text.find("cryftee_web3signer_up{"), std::string::npos);
  metrics.set_web3signer_health(true, false);
  const std::string after = metrics.render();
  EXPECT_NE(after.find("cryftee_web3signer_up{check=\"reachable\"} 1"), std::string::npos) << after;
  EXPECT_NE(after.find("cryftee_web3signer_up{check=\"healthy\"} 0"), std::string::npos) << after;
}

TEST(Metrics, KeyStoreCountsReplaceTheLastScrapesAndReadZeroWhenGone) {
  Metrics metrics;
  metrics.set_key_store("passphrase", true, {{"bls", "loaded", 2}, {"bls", "unusable", 1}, {"unknown", "damaged", 1}});
  std::string text = metrics.render();
  for (const char* line : {"cryftee_key_store_info{durable=\"true\",sealer=\"passphrase\"} 1",
                           "cryftee_key_store_records{kind=\"bls\",state=\"loaded\"} 2",
                           "cryftee_key_store_records{kind=\"bls\",state=\"unusable\"} 1",
                           "cryftee_key_store_records{kind=\"unknown\",state=\"damaged\"} 1",
                           "cryftee_key_store_records{kind=\"tls\",state=\"loaded\"} 0"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
  }
  // The unusable and damaged records were deleted: their series read 0, not their last count.
  metrics.set_key_store("passphrase", true, {{"bls", "loaded", 3}});
  text = metrics.render();
  for (const char* line : {"cryftee_key_store_records{kind=\"bls\",state=\"loaded\"} 3",
                           "cryftee_key_store_records{kind=\"bls\",state=\"unusable\"} 0",
                           "cryftee_key_store_records{kind=\"unknown\",state=\"damaged\"} 0"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
  }
}

}  // namespace
}  // namespace cryftee::metrics
