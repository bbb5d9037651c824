#include <gtest/gtest.h>

#include "manifest/manifest.h"
#include "manifest/module_json.h"
#include "manifest/safe_path.h"
#include "util/error.h"

namespace cryftee {
namespace {

nlohmann::json valid_entry() {
  return nlohmann::json::parse(R"({
    "id": "bls_tls_signer_v1", "dir": "bls_tls_signer_v1", "file": "bls_tls_signer_v1.wasm",
    "version": "1.0.0", "minCryfteeVersion": "0.4.0", "description": "BLS and TLS signing",
    "capabilities": ["bls_register", "bls_sign"], "defaultFor": {"bls": true, "tls": false},
    "imports": ["bls_sign"], "limits": {"memoryPages": 32, "deadlineMs": 500},
    "gui": {"entry": "index.html", "files": {"index.html": "sha256:0000000000000000000000000000000000000000000000000000000000000000"}},
    "publisherId": "cryftee-dev",
    "hash": "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    "signature": "c2ln"
  })");
}

std::string manifest_with(const std::vector<nlohmann::json>& entries) {
  return nlohmann::json{{"version", "1"}, {"modules", nlohmann::json(entries)}}.dump();
}

std::string error_of(const nlohmann::json& raw) { return parse_manifest_entry(raw).parse_error.value_or(""); }

TEST(Manifest, ParsesEveryField) {
  const Manifest manifest = parse_manifest(manifest_with({valid_entry()}));
  ASSERT_EQ(manifest.modules.size(), 1u);
  const ManifestEntry& e = manifest.modules[0];
  EXPECT_FALSE(e.parse_error) << *e.parse_error;
  EXPECT_EQ(manifest.version, "1");
  EXPECT_EQ(e.id, "bls_tls_signer_v1");
  EXPECT_EQ(e.file, "bls_tls_signer_v1.wasm");
  EXPECT_EQ(e.min_cryftee_version, "0.4.0");
  EXPECT_EQ(e.capabilities, (std::vector<std::string>{"bls_register", "bls_sign"}));
  EXPECT_EQ(e.default_for, (std::map<std::string, bool>{{"bls", true}, {"tls", false}}));
  EXPECT_EQ(e.imports, (std::vector<std::string>{"bls_sign"}));
  EXPECT_EQ(e.limits.memory_pages, 32u);
  EXPECT_EQ(e.limits.deadline_ms, 500u);
  EXPECT_EQ(e.limits.max_binary_bytes, manifest_limits::kDefaultMaxBinaryBytes);
  ASSERT_TRUE(e.gui);
  EXPECT_EQ(e.gui->entry, "index.html");
  EXPECT_EQ(e.gui->files.size(), 1u);
  EXPECT_EQ(e.publisher_id, "cryftee-dev");
  EXPECT_EQ(e.signature, "c2ln");
  EXPECT_EQ(e.raw, valid_entry());
}

TEST(Manifest, LimitsDefaultWhenAbsent) {
  nlohmann::json raw = valid_entry();
  raw.erase("limits");
  const ManifestEntry e = parse_manifest_entry(raw);
  EXPECT_EQ(e.limits.memory_pages, manifest_limits::kDefaultMemoryPages);
  EXPECT_EQ(e.limits.deadline_ms, manifest_limits::kDefaultDeadlineMs);
}

TEST(Manifest, RejectsPathTraversalAndUnsafePaths) {
  for (const char* field : {"dir", "file"}) {
    for (const char* bad : {"../evil", "a/../../etc", "..", "/etc/passwd", "a\\b", "", "a//b", "./a", "a/"}) {
      nlohmann::json raw = valid_entry();
      raw[field] = bad;
      EXPECT_NE(error_of(raw), "") << field << "=" << bad;
    }
    nlohmann::json raw = valid_entry();
    raw[field] = std::string("a\0b", 3);
    EXPECT_NE(error_of(raw), "") << field << " with NUL";
  }
  EXPECT_TRUE(unsafe_path_reason("a/b/c.wasm") == std::nullopt);
  EXPECT_NE(unsafe_path_reason("../x")->find(".."), std::string::npos);
  nlohmann::json gui_escape = valid_entry();
  gui_escape["gui"]["files"]["../secret"] = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
  EXPECT_NE(error_of(gui_escape), "");
}

TEST(Manifest, TypesAreStrict) {
  const std::pair<const char*, nlohmann::json> cases[] = {
      {"id", 5},
      {"id", "has space"},
      {"version", "1.0"},
      {"minCryfteeVersion", 4},
      {"capabilities", "bls_sign"},
      {"capabilities", {"bls_sign", "bls_sign"}},
      {"defaultFor", {{"bls", "yes"}}},
      {"imports", {1}},
      {"limits", {{"memoryPages", -1}}},
      {"limits", {{"memoryPages", 0}}},
      {"limits", {{"deadlineMs", 1.5}}},
      {"limits", {{"memoryPages", manifest_limits::kMaxMemoryPages + 1}}},
      {"limits", {{"stackPages", 1}}},
      {"hash", "sha256:ABC"},
      {"hash", "md5:00"},
      {"gui", {{"entry", "missing.html"}, {"files", nlohmann::json::object()}}},
      {"unknownField", true},
  };
  for (const auto& [field, value] : cases) {
    nlohmann::json raw = valid_entry();
    raw[field] = value;
    EXPECT_NE(error_of(raw), "") << field << "=" << value.dump();
  }
  nlohmann::json missing = valid_entry();
  missing.erase("file");
  EXPECT_NE(error_of(missing).find("\"file\""), std::string::npos);
  EXPECT_NE(error_of(nlohmann::json::array()), "");
}

TEST(Manifest, UnsignedEntriesParse) {
  nlohmann::json raw = valid_entry();
  raw.erase("hash");
  raw.erase("signature");
  raw.erase("publisherId");
  const ManifestEntry e = parse_manifest_entry(raw);
  EXPECT_FALSE(e.parse_error);
  EXPECT_TRUE(e.hash.empty());
  EXPECT_TRUE(e.signature.empty());
}

TEST(Manifest, DuplicateIdsAreReportedOnEveryUse) {
  nlohmann::json other = valid_entry();
  other["id"] = "other";
  const Manifest manifest = parse_manifest(manifest_with({valid_entry(), other, valid_entry()}));
  ASSERT_EQ(manifest.modules.size(), 3u);
  EXPECT_NE(manifest.modules[0].parse_error.value_or("").find("used by 2 entries"), std::string::npos);
  EXPECT_FALSE(manifest.modules[1].parse_error);
  EXPECT_TRUE(manifest.modules[2].parse_error);
}

TEST(Manifest, OneBadEntryDoesNotHideTheOthers) {
  nlohmann::json bad = valid_entry();
  bad["id"] = "bad";
  bad["dir"] = "../x";
  const Manifest manifest = parse_manifest(manifest_with({bad, valid_entry()}));
  EXPECT_EQ(manifest.modules[0].id, "bad");
  EXPECT_TRUE(manifest.modules[0].parse_error);
  EXPECT_FALSE(manifest.modules[1].parse_error);
}

TEST(Manifest, WholeDocumentProblemsThrow) {
  for (const char* bad : {"", "not json", "[]", "{}", R"({"modules": {}})", R"({"version": 1, "modules": []})",
                          R"({"modules": [], "extra": 1})", R"({"modules": [], "modules": []})",
                          R"({"modules": [{"id": "a", "id": "b"}]})", R"({"modules": [1e999]})"}) {
    try {
      parse_manifest(bad);
      FAIL() << "accepted " << bad;
    } catch (const Error& error) {
      EXPECT_EQ(error.status(), 400);
      EXPECT_EQ(error.code(), "bad_manifest");
    }
  }
  EXPECT_THROW(parse_manifest(std::string(100, '[') + std::string(100, ']')), Error);
}

TEST(ModuleJson, NeedsIdAndSemverVersion) {
  const ModuleDescriptor d = parse_module_json(R"({"id": "debug_v1", "version": "0.1.0", "capabilities": []})");
  EXPECT_EQ(d.id, "debug_v1");
  EXPECT_EQ(d.version, "0.1.0");
  for (const char* bad : {"{}", R"({"id": "a"})", R"({"id": "a", "version": "1"})", R"({"id": 1, "version": "1.0.0"})",
                          "[]", "nope"}) {
    EXPECT_THROW(parse_module_json(bad), Error) << bad;
  }
}

}  // namespace
}  // namespace cryftee
