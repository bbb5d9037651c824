// Deferred routes: the answer comes from another thread, access is still checked first, and whatever
// the handler or its answer throws is rendered as the JSON error shape, exactly once. Admin routes run on
// the blocking-work threads when the router has them, so they never hold an I/O thread.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "api/json_response.h"
#include "api/router.h"
#include "util/error.h"
#include "util/work_queue.h"

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

Request from_socket(Request request) {
  request.peer.transport = PeerTransport::Unix;
  request.peer.uid = 1000;  // named by the kernel: admin without the token (allow_loopback_admin)
  return request;
}

TEST(RouterDeferred, AdminRoutesRunOnTheBlockingWorkThreads) {
  WorkQueue blocking(1, 4);
  Router router(AccessPolicy{}, &blocking);
  std::thread::id ran_on;
  router.add("POST", "/v1/admin/reload-modules", Access::Admin, [&ran_on](const Request&) {
    ran_on = std::this_thread::get_id();
    return json_response({{"reloaded", true}});
  });
  router.add("GET", "/v1/staking/status", Access::ReadOnly, [&ran_on](const Request&) {
    ran_on = std::this_thread::get_id();
    return json_response({{"ok", true}});
  });
  const Response reloaded = router.handle(from_socket(post("/v1/admin/reload-modules")));
  EXPECT_EQ(reloaded.status, 200);
  EXPECT_EQ(reloaded.route, "/v1/admin/reload-modules");
  EXPECT_NE(ran_on, std::this_thread::get_id());
  Request status = from_socket(post("/v1/staking/status"));
  status.method = "GET";
  EXPECT_EQ(router.handle(status).status, 200);
  EXPECT_EQ(ran_on, std::this_thread::get_id());  // reads answer where they are asked
  // Access is still checked before any work is queued.
  EXPECT_EQ(router.handle(post("/v1/admin/reload-modules", ListenerKind::Kiosk)).status, 403);
  blocking.shut_down();
}

TEST(RouterDeferred, AFullBlockingQueueIsA503AndTheRequestIsNotRun) {
  WorkQueue blocking(1, 1);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> started;
  ASSERT_TRUE(blocking.try_submit([&started, released] {  // occupies the thread
    started.set_value();
    released.wait();
  }));
  started.get_future().wait();
  ASSERT_TRUE(blocking.try_submit([] {}));  // and the one waiting slot
  Router router(AccessPolicy{}, &blocking);
  int runs = 0;
  router.add("POST", "/v1/admin/reload-modules", Access::Admin, [&runs](const Request&) {
    ++runs;
    return json_response({{"reloaded", true}});
  });
  const Response busy = router.handle(from_socket(post("/v1/admin/reload-modules")));
  EXPECT_EQ(busy.status, 503);
  EXPECT_EQ(nlohmann::json::parse(busy.body)["error"], "server_busy");
  EXPECT_EQ(busy.route, "/v1/admin/reload-modules");
  release.set_value();
  blocking.shut_down();
  EXPECT_EQ(runs, 0);
}

}  // namespace
}  // namespace cryftee::api
