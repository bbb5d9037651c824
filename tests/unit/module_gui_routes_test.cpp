#include "api/module_gui_routes.h"

#include <filesystem>
#include <fstream>

#include "crypto/sha256.h"

#include <gtest/gtest.h>

namespace cryftee::api {
namespace {

namespace fs = std::filesystem;

class ModuleGuiRoutes : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("cryftee-gui-test-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "demo" / "gui" / "js");
    write("demo/gui/index.html", "<!doctype html><script src=\"js/app.js\"></script>");
    write("demo/gui/js/app.js", "parent.postMessage({}, '*');");
    write("demo/gui/unlisted.js", "alert(1)");
    install(/*verified=*/true);
  }
  void TearDown() override { fs::remove_all(root_); }

  void write(const std::string& relative, const std::string& text) {
    std::ofstream(root_ / relative, std::ios::binary) << text;
  }
  std::string hash_of(const std::string& relative) {
    std::ifstream in(root_ / relative, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return sha256_tagged(as_bytes(bytes));
  }

  // The registry as the builder leaves it: `verified` is its load-time verdict on the gui/ folder.
  void install(bool verified) {
    auto registry = std::make_shared<runtime::Registry>();
    registry->epoch = 7;
    runtime::ModuleRecord record;
    record.entry.id = "demo";
    record.entry.dir = "demo";
    record.entry.gui = ModuleGui{"index.html",
                                 {{"index.html", hash_of("demo/gui/index.html")}, {"js/app.js", hash_of("demo/gui/js/app.js")}}};
    record.module_path = (root_ / "demo").string();
    record.status.loaded = verified;
    record.gui_verified = verified;
    record.gui_reason = verified ? "" : "gui/js/app.js does not match the hash in the signed manifest entry";
    registry->modules.push_back(record);
    runtime::ModuleRecord plain;
    plain.entry.id = "plain";
    plain.status.loaded = true;
    registry->modules.push_back(plain);
    holder_.replace(registry);
  }

  Response get(const std::string& path) {
    Router router(AccessPolicy{});
    router.add_prefix("/", Access::ReadOnly, [](const Request&) { return Response{200, "text/plain", "kiosk", {}}; });
    add_module_gui_routes(router, holder_);
    Request request;
    request.method = "GET";
    request.path = request.target = path;
    request.listener = ListenerKind::Kiosk;
    return router.handle(request);
  }

  static std::string header(const Response& response, const std::string& name) {
    for (const auto& [key, value] : response.headers) {
      if (key == name) return value;
    }
    return {};
  }
  static std::string error_code(const Response& response) { return nlohmann::json::parse(response.body)["error"]; }

  fs::path root_;
  runtime::RegistryHolder holder_;
};

TEST_F(ModuleGuiRoutes, ServesAVerifiedFileWithASandboxingCsp) {
  const Response response = get("/modules/demo/gui/js/app.js");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.body, "parent.postMessage({}, '*');");
  EXPECT_EQ(response.content_type, "text/javascript; charset=utf-8");
  const std::string csp = header(response, "Content-Security-Policy");
  EXPECT_NE(csp.find("sandbox allow-scripts"), std::string::npos);
  EXPECT_NE(csp.find("connect-src 'none'"), std::string::npos);
  EXPECT_EQ(csp.find("allow-same-origin"), std::string::npos);
  EXPECT_EQ(header(response, "X-Content-Type-Options"), "nosniff");
}

TEST_F(ModuleGuiRoutes, EmptyPathServesTheEntryPage) {
  const Response response = get("/modules/demo/gui/");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.content_type, "text/html; charset=utf-8");
}

TEST_F(ModuleGuiRoutes, RefusesATamperedFile) {
  write("demo/gui/js/app.js", "fetch('/v1/admin/reload-modules', {method: 'POST'})");
  const Response response = get("/modules/demo/gui/js/app.js");
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(error_code(response), "gui_file_tampered");
}

TEST_F(ModuleGuiRoutes, RefusesFilesNotListedInTheSignedEntry) {
  const Response response = get("/modules/demo/gui/unlisted.js");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(error_code(response), "gui_file_not_listed");
}

TEST_F(ModuleGuiRoutes, RefusesPathTraversal) {
  EXPECT_EQ(get("/modules/demo/gui/../gui/index.html").status, 404);
  EXPECT_EQ(get("/modules/demo/gui/js/../index.html").status, 404);
  EXPECT_EQ(get("/modules/demo/gui/%2e%2e/manifest.json").status, 404);
  EXPECT_EQ(get("/modules/demo/gui//etc/passwd").status, 404);
}

TEST_F(ModuleGuiRoutes, RefusesEveryFileOfAPageThatDidNotVerify) {
  install(/*verified=*/false);
  const Response response = get("/modules/demo/gui/index.html");
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(error_code(response), "gui_not_verified");
  EXPECT_NE(nlohmann::json::parse(response.body)["message"].get<std::string>().find("does not match"), std::string::npos);
}

TEST_F(ModuleGuiRoutes, UnknownModuleAndModuleWithoutPageAre404) {
  EXPECT_EQ(error_code(get("/modules/nope/gui/index.html")), "module_not_found");
  EXPECT_EQ(error_code(get("/modules/plain/gui/index.html")), "module_has_no_gui");
}

TEST_F(ModuleGuiRoutes, ListSaysWhichPagesVerifyAndWhy) {
  Response response = get(kModuleGuiListPath);
  ASSERT_EQ(response.status, 200);
  nlohmann::json body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body["epoch"], 7);
  ASSERT_EQ(body["modules"].size(), 1u);  // "plain" ships no page
  EXPECT_EQ(body["modules"][0]["id"], "demo");
  EXPECT_EQ(body["modules"][0]["entry"], "index.html");
  EXPECT_EQ(body["modules"][0]["files"], 2);
  EXPECT_EQ(body["modules"][0]["verified"], true);
  EXPECT_TRUE(body["modules"][0]["reason"].is_null());  // as in GET /v1/staking/status

  install(/*verified=*/false);
  body = nlohmann::json::parse(get(kModuleGuiListPath).body);
  EXPECT_EQ(body["modules"][0]["verified"], false);
  EXPECT_NE(body["modules"][0]["reason"].get<std::string>().find("app.js"), std::string::npos);
}

TEST_F(ModuleGuiRoutes, KioskStaticFilesStillServeOtherPaths) {
  EXPECT_EQ(get("/index.html").body, "kiosk");
}

}  // namespace
}  // namespace cryftee::api
