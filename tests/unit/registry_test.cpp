// build_registry end to end on real files: hashes, signatures, trust, versions, module.json, gui,
// defaults and the development switch.
#include <gtest/gtest.h>

#include "manifest/manifest_signer.h"
#include "manifest/semver.h"
#include "module_fixture.h"
#include "runtime/loader.h"
#include "util/error.h"
#include "version.h"

namespace cryftee {
namespace {

class RegistryBuild : public ::testing::Test {
 protected:
  Config config() const {
    Config c;
    c.module_dir = fx.root;
    c.trust_config = fx.trust_path();
    return c;
  }
  std::shared_ptr<const runtime::Registry> build(const runtime::EngineCheck& engine = {}) const { return runtime::build_registry(config(), 7, engine); }

  testing::ModuleFixture fx;
};

TEST_F(RegistryBuild, SignedModulesLoad) {
  fx.write_manifest({fx.sign(fx.add_module("a")), fx.sign(fx.add_module("b"))});
  const auto registry = build();
  EXPECT_EQ(registry->epoch, 7u);
  EXPECT_EQ(registry->manifest_hash.rfind("sha256:", 0), 0u);
  EXPECT_EQ(registry->trust_hash.rfind("sha256:", 0), 0u);
  ASSERT_EQ(registry->modules.size(), 2u);
  for (const auto& record : registry->modules) {
    EXPECT_TRUE(record.status.loaded) << record.status.reason;
    EXPECT_TRUE(record.status.trusted);
    EXPECT_TRUE(record.status.compatible);
    EXPECT_EQ(record.status.failure, runtime::ModuleFailure::None);
    EXPECT_TRUE(record.status.reason.empty());
    ASSERT_NE(record.wasm, nullptr);
    EXPECT_EQ(record.computed_hash, record.entry.hash);
  }
  EXPECT_EQ(registry->find("b"), &registry->modules[1]);
  EXPECT_EQ(registry->find("c"), nullptr);
}

TEST_F(RegistryBuild, TamperedFileIsRefusedOthersStillLoad) {
  fx.write_manifest({fx.sign(fx.add_module("a")), fx.sign(fx.add_module("b"))});
  testing::ModuleFixture::write(fx.root / "a" / "a.wasm", "evil bytes");
  const auto registry = build();
  const runtime::ModuleRecord& a = *registry->find("a");
  EXPECT_FALSE(a.status.loaded);
  EXPECT_FALSE(a.status.trusted);
  EXPECT_EQ(a.status.failure, runtime::ModuleFailure::HashMismatch);
  EXPECT_NE(a.status.reason.find("changed or replaced"), std::string::npos);
  EXPECT_EQ(a.wasm, nullptr);
  EXPECT_TRUE(registry->find("b")->status.loaded);
}

TEST_F(RegistryBuild, TamperedEntryFieldIsRefused) {
  nlohmann::json entry = fx.sign(fx.add_module("a"));
  entry["capabilities"] = {"bls_sign", "tls_sign"};
  fx.write_manifest({entry});
  const runtime::ModuleRecord a = build()->modules[0];
  EXPECT_FALSE(a.status.loaded);
  EXPECT_EQ(a.status.failure, runtime::ModuleFailure::SignatureInvalid);
}

TEST_F(RegistryBuild, UnknownPublisherWrongKeyAndMalformedSignature) {
  nlohmann::json stranger = fx.add_module("stranger");
  stranger["publisherId"] = "someone-else";
  nlohmann::json wrong_key = fx.add_module("wrong_key");
  const Ed25519KeyPair other = ed25519_generate();
  wrong_key["signature"] = sign_entry(wrong_key, other.seed);
  nlohmann::json malformed = fx.add_module("malformed");
  malformed["signature"] = "***";
  fx.write_manifest({fx.sign(stranger), wrong_key, malformed});
  const auto registry = build();
  EXPECT_EQ(registry->find("stranger")->status.failure, runtime::ModuleFailure::UnknownPublisher);
  EXPECT_NE(registry->find("stranger")->status.reason.find("someone-else"), std::string::npos);
  EXPECT_EQ(registry->find("wrong_key")->status.failure, runtime::ModuleFailure::SignatureInvalid);
  EXPECT_EQ(registry->find("malformed")->status.failure, runtime::ModuleFailure::SignatureMalformed);
  for (const auto& record : registry->modules) EXPECT_FALSE(record.status.loaded);
}

TEST_F(RegistryBuild, TooNewIsIncompatibleWithReason) {
  nlohmann::json entry = fx.add_module("future");
  entry["minCryfteeVersion"] = "99.0.0";
  fx.write_manifest({fx.sign(entry)});
  const runtime::ModuleRecord record = build()->modules[0];
  EXPECT_TRUE(record.status.trusted);
  EXPECT_FALSE(record.status.compatible);
  EXPECT_FALSE(record.status.loaded);
  EXPECT_EQ(record.status.failure, runtime::ModuleFailure::Incompatible);
  EXPECT_EQ(record.status.reason, std::string("needs cryftee >= 99.0.0, this is ") + kCryfteeVersion);
}

TEST_F(RegistryBuild, RuntimeVersionLoadsTheSeedManifestVersion) {
  const auto running = parse_semver(kCryfteeVersion);
  ASSERT_TRUE(running);
  EXPECT_TRUE(compare_semver(*running, *parse_semver("0.4.0")) >= 0);
}

TEST_F(RegistryBuild, ModuleJsonMustAgree) {
  nlohmann::json renamed = fx.add_module("renamed");
  testing::ModuleFixture::write(fx.root / "renamed" / "module.json", R"({"id": "impostor", "version": "1.0.0"})");
  nlohmann::json other_version = fx.add_module("other_version");
  testing::ModuleFixture::write(fx.root / "other_version" / "module.json", R"({"id": "other_version", "version": "2.0.0"})");
  nlohmann::json missing = fx.add_module("missing");
  std::filesystem::remove(fx.root / "missing" / "module.json");
  fx.write_manifest({fx.sign(renamed), fx.sign(other_version), fx.sign(missing)});
  const auto registry = build();
  for (const auto& record : registry->modules) {
    EXPECT_FALSE(record.status.loaded) << record.entry.id;
    EXPECT_TRUE(record.status.trusted) << record.entry.id;
    EXPECT_EQ(record.status.failure, runtime::ModuleFailure::ModuleJsonMismatch) << record.entry.id;
  }
  EXPECT_NE(registry->find("renamed")->status.reason.find("impostor"), std::string::npos);
  EXPECT_NE(registry->find("other_version")->status.reason.find("2.0.0"), std::string::npos);
}

TEST_F(RegistryBuild, MalformedAndDuplicateEntriesAreListedNotFatal) {
  nlohmann::json traversal = fx.add_module("escape");
  traversal["dir"] = "../outside";
  nlohmann::json dup = fx.sign(fx.add_module("dup"));
  fx.write_manifest({fx.sign(traversal), dup, dup, fx.sign(fx.add_module("fine"))});
  const auto registry = build();
  ASSERT_EQ(registry->modules.size(), 4u);
  EXPECT_EQ(registry->modules[0].status.failure, runtime::ModuleFailure::MalformedEntry);
  EXPECT_NE(registry->modules[0].status.reason.find(".."), std::string::npos);
  EXPECT_EQ(registry->modules[1].status.failure, runtime::ModuleFailure::MalformedEntry);
  EXPECT_EQ(registry->modules[2].status.failure, runtime::ModuleFailure::MalformedEntry);
  EXPECT_TRUE(registry->modules[3].status.loaded);
}

TEST_F(RegistryBuild, BinarySizeLimitAndMissingFile) {
  nlohmann::json big = fx.add_module("big", "1.0.0", std::string(2000, 'x'));
  big["limits"] = {{"maxBinaryBytes", 1000}};
  nlohmann::json gone = fx.add_module("gone");
  std::filesystem::remove(fx.root / "gone" / "gone.wasm");
  fx.write_manifest({fx.sign(big), fx.sign(gone)});
  const auto registry = build();
  EXPECT_EQ(registry->find("big")->status.failure, runtime::ModuleFailure::TooLarge);
  EXPECT_EQ(registry->find("gone")->status.failure, runtime::ModuleFailure::FileMissing);
}

TEST_F(RegistryBuild, SymlinkOutOfTheModuleDirIsRefused) {
  nlohmann::json entry = fx.add_module("linked");
  const auto outside = fx.root.parent_path() / (fx.root.filename().string() + "-outside.wasm");
  testing::ModuleFixture::write(outside, "module bytes of linked");
  std::filesystem::remove(fx.root / "linked" / "linked.wasm");
  std::filesystem::create_symlink(outside, fx.root / "linked" / "linked.wasm");
  fx.write_manifest({fx.sign(entry)});
  const runtime::ModuleRecord record = build()->modules[0];
  std::filesystem::remove(outside);
  EXPECT_EQ(record.status.failure, runtime::ModuleFailure::OutsideModuleDir);
}

TEST_F(RegistryBuild, DefaultsResolveAndConflictsFailClosed) {
  nlohmann::json a = fx.add_module("a");
  a["defaultFor"] = {{"bls", true}, {"tls", true}};
  nlohmann::json b = fx.add_module("b");
  b["defaultFor"] = {{"bls", true}};
  nlohmann::json c = fx.add_module("c");
  c["defaultFor"] = {{"tls", false}};
  fx.write_manifest({fx.sign(a), fx.sign(b), fx.sign(c)});
  const auto registry = build();
  EXPECT_EQ(registry->default_for("bls"), nullptr);
  ASSERT_EQ(registry->problems.size(), 1u);
  EXPECT_NE(registry->problems[0].find("\"bls\""), std::string::npos);
  ASSERT_NE(registry->default_for("tls"), nullptr);
  EXPECT_EQ(registry->default_for("tls")->entry.id, "a");
}

TEST_F(RegistryBuild, RefusedModulesDoNotClaimDefaults) {
  nlohmann::json a = fx.add_module("a");
  a["defaultFor"] = {{"bls", true}};
  nlohmann::json b = fx.add_module("b");
  b["defaultFor"] = {{"bls", true}};
  fx.write_manifest({fx.sign(a), b});  // b is unsigned
  const auto registry = build();
  EXPECT_TRUE(registry->problems.empty());
  ASSERT_NE(registry->default_for("bls"), nullptr);
  EXPECT_EQ(registry->default_for("bls")->entry.id, "a");
}

TEST_F(RegistryBuild, DevelopmentSwitchLoadsUnverifiedButSaysSo) {
  fx.write_manifest({fx.sign(fx.add_module("a")), fx.add_module("unsigned")});
  testing::ModuleFixture::write(fx.root / "a" / "a.wasm", "changed");
  Config c = config();
  c.allow_unverified_modules = true;
  const auto registry = runtime::build_registry(c, 1);
  for (const auto& record : registry->modules) {
    EXPECT_TRUE(record.status.loaded) << record.entry.id;
    EXPECT_FALSE(record.status.trusted);
    EXPECT_TRUE(record.status.unverified);
    EXPECT_NE(record.status.reason.find("WITHOUT verification"), std::string::npos);
    EXPECT_NE(record.wasm, nullptr);
  }
  // The switch never overrides checks other than hash and signature.
  nlohmann::json future = fx.add_module("future");
  future["minCryfteeVersion"] = "99.0.0";
  fx.write_manifest({future});
  EXPECT_FALSE(runtime::build_registry(c, 2)->modules[0].status.loaded);
}

TEST_F(RegistryBuild, OnlyEnabledModulesLoadAndUnknownIdsAreReported) {
  fx.write_manifest({fx.sign(fx.add_module("a")), fx.sign(fx.add_module("b"))});
  Config c = config();
  c.modules_enabled = std::vector<std::string>{"b", "typo_v1"};
  int engine_checks = 0;
  const auto registry = runtime::build_registry(c, 1, [&engine_checks](const runtime::ModuleRecord&) -> std::optional<std::string> {
    ++engine_checks;
    return std::nullopt;
  });
  const runtime::ModuleRecord& a = *registry->find("a");
  EXPECT_FALSE(a.status.loaded);
  EXPECT_TRUE(a.status.trusted) << "a module that is not enabled is still verified";
  EXPECT_EQ(a.status.failure, runtime::ModuleFailure::NotEnabled);
  EXPECT_STREQ(runtime::module_failure_name(a.status.failure), "not_enabled");
  EXPECT_NE(a.status.reason.find("CRYFTEE_MODULES_ENABLED"), std::string::npos) << a.status.reason;
  EXPECT_EQ(a.wasm, nullptr);
  EXPECT_TRUE(registry->find("b")->status.loaded);
  EXPECT_EQ(engine_checks, 1) << "the engine never sees a module that is not enabled";
  EXPECT_EQ(registry->unknown_enabled_ids, std::vector<std::string>{"typo_v1"});
  ASSERT_EQ(registry->problems.size(), 1u);
  EXPECT_NE(registry->problems[0].find("\"typo_v1\", which is not in the manifest"), std::string::npos);
  // Not set: everything loads and nothing is reported.
  const auto all = build();
  EXPECT_TRUE(all->find("a")->status.loaded);
  EXPECT_TRUE(all->unknown_enabled_ids.empty());
}

TEST_F(RegistryBuild, EngineRefusalIsRecorded) {
  fx.write_manifest({fx.sign(fx.add_module("a")), fx.sign(fx.add_module("b"))});
  int calls = 0;
  const auto registry = build([&](const runtime::ModuleRecord& record) -> std::optional<std::string> {
    ++calls;
    EXPECT_NE(record.wasm, nullptr);
    if (record.entry.id == "a") return "imports \"cryftee.evil\", which is not granted";
    return std::nullopt;
  });
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(registry->find("a")->status.failure, runtime::ModuleFailure::EngineRefused);
  EXPECT_FALSE(registry->find("a")->status.loaded);
  EXPECT_EQ(registry->find("a")->wasm, nullptr);
  EXPECT_TRUE(registry->find("b")->status.loaded);
}

TEST_F(RegistryBuild, GuiIsVerifiedOnlyWhenEveryFileMatches) {
  nlohmann::json entry = fx.add_module("g");
  testing::ModuleFixture::write(fx.root / "g" / "gui" / "index.html", "<p>hi</p>");
  testing::ModuleFixture::write(fx.root / "g" / "gui" / "js" / "app.js", "1");
  entry["gui"] = {{"entry", "index.html"},
                  {"files", {{"index.html", sha256_tagged(as_bytes("<p>hi</p>"))}, {"js/app.js", sha256_tagged(as_bytes("1"))}}}};
  fx.write_manifest({fx.sign(entry)});
  const runtime::ModuleRecord good = build()->modules[0];
  EXPECT_TRUE(good.gui_verified) << good.gui_reason;
  EXPECT_EQ(good.gui_files, (std::vector<std::string>{"index.html", "js/app.js"}));
  EXPECT_EQ(good.module_path, (fx.root / "g").string());

  testing::ModuleFixture::write(fx.root / "g" / "gui" / "js" / "app.js", "2");
  const runtime::ModuleRecord changed = build()->modules[0];
  EXPECT_TRUE(changed.status.loaded);
  EXPECT_FALSE(changed.gui_verified);
  EXPECT_NE(changed.gui_reason.find("js/app.js"), std::string::npos);

  testing::ModuleFixture::write(fx.root / "g" / "gui" / "js" / "app.js", "1");
  testing::ModuleFixture::write(fx.root / "g" / "gui" / "extra.js", "x");
  const runtime::ModuleRecord extra = build()->modules[0];
  EXPECT_FALSE(extra.gui_verified);
  EXPECT_NE(extra.gui_reason.find("extra.js"), std::string::npos);
}

TEST_F(RegistryBuild, WholeRegistryProblemsThrow) {
  EXPECT_THROW(build(), Error);  // no manifest yet
  fx.write_manifest({fx.sign(fx.add_module("a"))});
  testing::ModuleFixture::write(fx.trust_path(), "[[publishers]\n");
  EXPECT_THROW(build(), Error);
  Config no_trust = config();
  no_trust.trust_config.reset();
  const auto registry = runtime::build_registry(no_trust, 1);
  EXPECT_EQ(registry->modules[0].status.failure, runtime::ModuleFailure::UnknownPublisher);
  EXPECT_NE(registry->modules[0].status.reason.find("no trust file"), std::string::npos);
}

}  // namespace
}  // namespace cryftee

namespace cryftee {
namespace {

// `cryftee module sign` is sign_manifest; what it produces must load.
TEST_F(RegistryBuild, SignManifestProducesALoadableManifest) {
  nlohmann::json a = fx.add_module("a");
  a.erase("hash");
  a.erase("publisherId");
  a["gui"] = {{"entry", "index.html"}};
  testing::ModuleFixture::write(fx.root / "a" / "gui" / "index.html", "<p>a</p>");
  nlohmann::json b = fx.add_module("b");
  nlohmann::json manifest = {{"version", "1"}, {"modules", nlohmann::json(std::vector<nlohmann::json>{a, b})}};

  const auto only_b = sign_manifest(manifest, fx.root, fx.publisher_id, fx.publisher.seed, "b");
  ASSERT_EQ(only_b.size(), 1u);
  EXPECT_FALSE(manifest["modules"][0].contains("signature"));
  EXPECT_THROW(sign_manifest(manifest, fx.root, fx.publisher_id, fx.publisher.seed, "nope"), Error);
  EXPECT_THROW(sign_manifest(manifest, fx.root, "bad id!", fx.publisher.seed, std::nullopt), Error);

  const auto all = sign_manifest(manifest, fx.root, fx.publisher_id, fx.publisher.seed, std::nullopt);
  ASSERT_EQ(all.size(), 2u);
  fx.write_manifest({manifest["modules"][0], manifest["modules"][1]});
  const auto registry = build();
  for (const auto& record : registry->modules) EXPECT_TRUE(record.status.loaded) << record.status.reason;
  EXPECT_TRUE(registry->find("a")->gui_verified) << registry->find("a")->gui_reason;

  // A missing module file is refused before anything is signed.
  std::filesystem::remove(fx.root / "b" / "b.wasm");
  const nlohmann::json before = manifest;
  EXPECT_THROW(sign_manifest(manifest, fx.root, fx.publisher_id, fx.publisher.seed, std::nullopt), Error);
  EXPECT_EQ(manifest, before);
}

}  // namespace
}  // namespace cryftee
