// A module's limits: one set of bounds for the manifest parser, the runtime and /v1/schema/modules, and
// the effective limits the engine is given.
#include <gtest/gtest.h>

#include "manifest/manifest.h"
#include "manifest/manifest_schema.h"
#include "runtime/effective_limits.h"

namespace cryftee::runtime {
namespace {

using namespace std::chrono_literals;

nlohmann::json entry_with_limits(const nlohmann::json& limits) {
  return {{"id", "probe_v1"},       {"dir", "probe_v1"},        {"file", "probe_v1.wasm"},
          {"version", "1.0.0"},     {"capabilities", nlohmann::json::array()},
          {"imports", nlohmann::json::array()},                 {"limits", limits},
          {"publisherId", "tester"}, {"hash", "sha256:" + std::string(64, 'a')}};
}

TEST(ModuleLimits, SchemaAdvertisesTheRuntimeCaps) {
  const nlohmann::json limits = manifest_entry_schema()["properties"]["limits"]["properties"];
  EXPECT_EQ(limits["memoryPages"]["maximum"], kModuleLimitCaps.memory_pages);
  EXPECT_EQ(limits["deadlineMs"]["maximum"], kModuleLimitCaps.deadline.count());
  EXPECT_EQ(limits["maxBinaryBytes"]["maximum"], kModuleLimitCaps.binary_bytes);
  EXPECT_EQ(kModuleLimitCaps.memory_pages, 4096u);  // 256 MiB of wasm memory
  EXPECT_EQ(kModuleLimitCaps.deadline, 30s);
  EXPECT_EQ(kModuleLimitCaps.binary_bytes, 64u << 20);
}

TEST(ModuleLimits, ManifestAcceptsExactlyTheCapsAndRefusesMore) {
  const std::pair<const char*, std::uint64_t> caps[] = {
      {"memoryPages", kModuleLimitCaps.memory_pages},
      {"deadlineMs", static_cast<std::uint64_t>(kModuleLimitCaps.deadline.count())},
      {"maxBinaryBytes", kModuleLimitCaps.binary_bytes},
  };
  for (const auto& [field, cap] : caps) {
    const ManifestEntry at_cap = parse_manifest_entry(entry_with_limits({{field, cap}}));
    EXPECT_FALSE(at_cap.parse_error) << field << ": " << at_cap.parse_error.value_or("");
    const ManifestEntry over = parse_manifest_entry(entry_with_limits({{field, cap + 1}}));
    ASSERT_TRUE(over.parse_error) << field;
    EXPECT_NE(over.parse_error->find(std::string("limits.") + field), std::string::npos) << *over.parse_error;
    EXPECT_NE(over.parse_error->find("from 1 to " + std::to_string(cap)), std::string::npos) << *over.parse_error;
  }
}

TEST(ModuleLimits, ParsedLimitsPassThroughUnchanged) {
  const ManifestEntry entry = parse_manifest_entry(entry_with_limits(
      {{"memoryPages", kModuleLimitCaps.memory_pages}, {"deadlineMs", 750}, {"maxBinaryBytes", 65536}}));
  ASSERT_FALSE(entry.parse_error) << *entry.parse_error;
  const EffectiveLimits effective = effective_limits(entry.limits);
  EXPECT_EQ(effective.memory_pages, kModuleLimitCaps.memory_pages);
  EXPECT_EQ(effective.deadline, 750ms);
  EXPECT_EQ(effective.max_binary_bytes, 65536u);
}

TEST(ModuleLimits, DefaultsLieWithinTheCaps) {
  const ModuleLimits defaults;
  const EffectiveLimits effective = effective_limits(defaults);
  EXPECT_EQ(effective.memory_pages, defaults.memory_pages);
  EXPECT_EQ(effective.deadline, std::chrono::milliseconds(defaults.deadline_ms));
  EXPECT_EQ(effective.max_binary_bytes, defaults.max_binary_bytes);
}

TEST(EffectiveLimits, EachRequestIsBoundedByItsOwnCap) {
  const ModuleLimitCaps caps{.memory_pages = 10, .deadline = 100ms, .binary_bytes = 1000};
  ModuleLimits requested;
  requested.memory_pages = 11;
  requested.deadline_ms = 50;
  requested.max_binary_bytes = 999;
  EXPECT_EQ(effective_limits(requested, caps),
            (EffectiveLimits{.memory_pages = 10, .deadline = 50ms, .max_binary_bytes = 999}));
  requested.memory_pages = 3;
  requested.deadline_ms = 100'000;
  requested.max_binary_bytes = 1u << 30;
  EXPECT_EQ(effective_limits(requested, caps),
            (EffectiveLimits{.memory_pages = 3, .deadline = 100ms, .max_binary_bytes = 1000}));
}

TEST(EffectiveLimits, EntriesBuiltInCodeAreBoundedByTheDaemonCaps) {
  ModuleLimits requested;
  requested.memory_pages = 65536;
  requested.deadline_ms = 60'000;
  requested.max_binary_bytes = 1ull << 40;
  EXPECT_EQ(effective_limits(requested), (EffectiveLimits{.memory_pages = kModuleLimitCaps.memory_pages,
                                                          .deadline = kModuleLimitCaps.deadline,
                                                          .max_binary_bytes = kModuleLimitCaps.binary_bytes}));
}

}  // namespace
}  // namespace cryftee::runtime
