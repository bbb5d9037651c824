// Deferred routes: the answer comes from another thread, access is still checked first, and whatever
// the handler or its answer throws is rendered as the JSON error shape, exactly once.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "api/json_response.h"
#include "api/router.h"
#include "util/error.h"

namespace cryftee::api {
namespace {

Request post(std::string path, ListenerKind listener = ListenerKind::Api) {
  Request r;
  r.method = "POST";
  r.target = path;
  r.path = std::move(path);
  r.listener = listener;
  return r;
}

TEST(RouterDeferred, AnswersFromAnotherThread) {
  Router router(AccessPolicy{});
  std::thread worker;
  router.add_deferred("POST", "/v1/slow", Access::Staking, [&worker](const Request&, std::function<void(Answer)> finish) {
    worker = std::thread([finish] { finish([] { return json_response({{"done", true}}); }); });
  });
  std::promise<Response> answered;
  int replies = 0;
  router.handle(post("/v1/slow"), [&](Response response) {
    ++replies;
    answered.set_value(std::move(response));
  });
  const Response response = answered.get_future().get();
  worker.join();
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(nlohmann::json::parse(response.body)["done"], true);
  EXPECT_EQ(replies, 1);
}

TEST(RouterDeferred, ErrorsBeforeAndAfterTheHandOffAreJsonErrors) {
  Router router(AccessPolicy{});
  router.add_deferred("POST", "/v1/busy", Access::Staking, [](const Request&, std::function<void(Answer)>) {
    throw unavailable("queue full", "key_derivation_busy");
  });
  router.add_deferred("POST", "/v1/fails", Access::Staking, [](const Request&, std::function<void(Answer)> finish) {
    finish([]() -> Response { throw bad_request("bad keystore", "invalid_keystore"); });
  });
  const Response busy = router.handle(post("/v1/busy"));
  EXPECT_EQ(busy.status, 503);
  EXPECT_EQ(nlohmann::json::parse(busy.body)["error"], "key_derivation_busy");
  const Response fails = router.handle(post("/v1/fails"));
  EXPECT_EQ(fails.status, 400);
  EXPECT_EQ(nlohmann::json::parse(fails.body)["error"], "invalid_keystore");
  // Access is checked before the handler runs: staking routes are not served on the kiosk.
  EXPECT_EQ(router.handle(post("/v1/fails", ListenerKind::Kiosk)).status, 403);
}

}  // namespace
}  // namespace cryftee::api
