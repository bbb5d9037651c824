// The schema's patterns are ECMAScript regular expressions (JSON Schema 2020-12); std::regex speaks the
// same dialect, so these tests run them on real values a manifest may or may not hold.
#include "manifest/manifest_schema.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <regex>

#include "manifest/manifest.h"

namespace cryftee {
namespace {

using nlohmann::json;

bool matches(const json& property_schema, const std::string& value) {
  return std::regex_search(value, std::regex(property_schema.at("pattern").get<std::string>(), std::regex::ECMAScript));
}

TEST(ManifestSchema, PathPatternsRefuseTraversal) {
  const json properties = manifest_entry_schema()["properties"];
  for (const char* field : {"dir", "file"}) {
    for (const char* good : {"bls_tls_signer_v1", "a/b.wasm", "module..v1", "x.wasm"}) {
      EXPECT_TRUE(matches(properties[field], good)) << field << " " << good;
    }
    for (const char* bad : {"../etc", "a/../../b", "/abs/path", "..", "a/..", "a\\b", "", ".", "a/./b", "a//b", "a/",
                            "a\tb"}) {
      EXPECT_FALSE(matches(properties[field], bad)) << field << " " << bad;
    }
  }
}

TEST(ManifestSchema, DescribesExactlyTheFieldsTheParserAccepts) {
  const json schema = manifest_entry_schema();
  std::vector<std::string> properties;
  for (const auto& [name, unused] : schema["properties"].items()) properties.push_back(name);
  std::vector<std::string> fields = manifest_entry_fields();
  std::sort(fields.begin(), fields.end());
  EXPECT_EQ(properties, fields);
  EXPECT_EQ(schema["additionalProperties"], false);
  // What the schema requires, the parser requires too.
  for (const json& field : schema["required"]) {
    json entry = {{"id", "m"}, {"dir", "m"}, {"file", "m.wasm"}, {"version", "1.0.0"}};
    ASSERT_TRUE(entry.contains(field.get<std::string>()));
    EXPECT_FALSE(parse_manifest_entry(entry).parse_error) << field;
    entry.erase(field.get<std::string>());
    EXPECT_TRUE(parse_manifest_entry(entry).parse_error) << field;
  }
}

TEST(ManifestSchema, VersionsAreSemver) {
  const json version = manifest_entry_schema()["properties"]["minCryfteeVersion"];
  for (const char* good : {"0.4.0", "1.2.3-rc.1", "10.20.30+build.5"}) EXPECT_TRUE(matches(version, good)) << good;
  for (const char* bad : {"1.2", "01.2.3", "v1.2.3", "1.2.3-"}) EXPECT_FALSE(matches(version, bad)) << bad;
}

TEST(ManifestSchema, HashesAndSignatures) {
  const json properties = manifest_entry_schema()["properties"];
  EXPECT_TRUE(matches(properties["hash"], "sha256:" + std::string(64, 'a')));
  EXPECT_FALSE(matches(properties["hash"], "sha256:" + std::string(63, 'a')));
  EXPECT_FALSE(matches(properties["hash"], "sha512:" + std::string(64, 'a')));
  EXPECT_TRUE(matches(properties["signature"], std::string(86, 'A') + "=="));
  EXPECT_FALSE(matches(properties["signature"], std::string(40, 'A')));
}

TEST(ManifestSchema, LimitDefaultsAreTheParserDefaults) {
  const json limits = manifest_entry_schema()["properties"]["limits"]["properties"];
  const ModuleLimits defaults;
  EXPECT_EQ(limits["memoryPages"]["default"], defaults.memory_pages);
  EXPECT_EQ(limits["deadlineMs"]["default"], defaults.deadline_ms);
  EXPECT_EQ(limits["maxBinaryBytes"]["default"], defaults.max_binary_bytes);
}

TEST(ManifestSchema, EveryStakingCapabilityBelongsToAFamily) {
  for (const CapabilityInfo& capability : staking_capabilities()) {
    EXPECT_EQ(std::string(capability.name).rfind(std::string(capability.family) + "_", 0), 0u) << capability.name;
  }
}

}  // namespace
}  // namespace cryftee
