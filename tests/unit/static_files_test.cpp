#include "api/static_files.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "util/error.h"

namespace cryftee::api {
namespace {

namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("cryftee-static-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
    fs::create_directories(base_ / "ui" / "css");
    write(base_ / "ui" / "index.html", "<!doctype html>home");
    write(base_ / "ui" / "css" / "site.css", "body{}");
    write(base_ / "ui" / ".secret", "hidden");
    write(base_ / "outside.txt", "outside");
    fs::create_symlink(base_ / "outside.txt", base_ / "ui" / "link.txt");
  }
  void TearDown() override { fs::remove_all(base_); }

  static void write(const fs::path& file, const std::string& text) { std::ofstream(file) << text; }

  Response get(const std::string& path) const {
    Request request;
    request.method = "GET";
    request.path = path;
    return StaticFiles(base_ / "ui").serve(request);
  }

  int status_of(const std::string& path) const {
    try {
      return get(path).status;
    } catch (const Error& error) {
      return error.status();
    }
  }

  fs::path base_;
};

TEST_F(StaticFilesTest, ServesIndexForRootWithSecurityHeaders) {
  const Response response = get("/");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "<!doctype html>home");
  EXPECT_EQ(response.content_type, "text/html; charset=utf-8");
  bool csp = false, nosniff = false;
  for (const auto& [name, value] : response.headers) {
    csp |= name == "Content-Security-Policy" && value == kKioskContentSecurityPolicy;
    nosniff |= name == "X-Content-Type-Options" && value == "nosniff";
  }
  EXPECT_TRUE(csp);
  EXPECT_TRUE(nosniff);
}

TEST_F(StaticFilesTest, ServesNestedFilesWithTheirContentType) {
  const Response response = get("/css/site.css");
  EXPECT_EQ(response.body, "body{}");
  EXPECT_EQ(response.content_type, "text/css; charset=utf-8");
}

TEST_F(StaticFilesTest, RefusesTraversalHiddenFilesSymlinksOutAndDirectories) {
  for (const char* path : {"/../outside.txt", "/%2e%2e/outside.txt", "/css/../../outside.txt", "/..%2foutside.txt",
                           "/.secret", "/link.txt", "/css", "/css/", "//etc/passwd", "/index.html%00.js",
                           "/css\\site.css", "/%zz", "/missing.js"}) {
    EXPECT_EQ(status_of(path), 404) << path;
  }
}

TEST_F(StaticFilesTest, MissingRootIsA404NamingTheSetting) {
  Request request;
  request.path = "/";
  try {
    StaticFiles(base_ / "nope").serve(request);
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.status(), 404);
    EXPECT_NE(std::string(error.what()).find("--ui-dir"), std::string::npos);
  }
}

TEST(KioskSecurityHeaders, AddedOnceAndNotOverridden) {
  Response response;
  response.headers.emplace_back("content-security-policy", "default-src 'none'");
  add_kiosk_security_headers(response);
  add_kiosk_security_headers(response);
  ASSERT_EQ(response.headers.size(), 2u);
  EXPECT_EQ(response.headers[0].second, "default-src 'none'");
  EXPECT_EQ(response.headers[1].first, "X-Content-Type-Options");
}

TEST(ContentTypes, ByExtensionCaseInsensitive) {
  EXPECT_EQ(content_type_for("app.JS"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for("logo.svg"), "image/svg+xml");
  EXPECT_EQ(content_type_for("module.wasm"), "application/wasm");
  EXPECT_EQ(content_type_for("archive.tar"), "application/octet-stream");
}

}  // namespace
}  // namespace cryftee::api
