#include <gtest/gtest.h>

#include "manifest/semver.h"

namespace cryftee {
namespace {

SemVer v(const char* text) { return parse_semver(text).value(); }

TEST(SemVer, ParsesValidVersions) {
  const SemVer full = v("1.2.3-alpha.1+build.5");
  EXPECT_EQ(full.major, 1u);
  EXPECT_EQ(full.minor, 2u);
  EXPECT_EQ(full.patch, 3u);
  EXPECT_EQ(full.prerelease, (std::vector<std::string>{"alpha", "1"}));
  EXPECT_EQ(full.build, "build.5");
  EXPECT_EQ(full.to_string(), "1.2.3-alpha.1+build.5");
  EXPECT_TRUE(parse_semver("0.0.0"));
  EXPECT_TRUE(parse_semver("10.20.30-rc-1"));
}

TEST(SemVer, RejectsInvalidVersions) {
  for (const char* bad : {"", "1", "1.2", "1.2.3.4", "v1.2.3", "01.2.3", "1.02.3", "1.2.03", "1.2.3-", "1.2.3-01",
                          "1.2.3-a..b", "1.2.3+", "1.2.3-a_b", " 1.2.3", "1.2.3 ", "-1.2.3", "1.2.x",
                          "99999999999999999999.0.0"}) {
    EXPECT_FALSE(parse_semver(bad)) << bad;
  }
}

TEST(SemVer, PrecedenceFollowsSpecExample) {
  // semver 2.0.0 section 11: 1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-alpha.beta < 1.0.0-beta < 1.0.0-beta.2
  //                          < 1.0.0-beta.11 < 1.0.0-rc.1 < 1.0.0
  const char* ordered[] = {"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
                           "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1",      "1.0.0"};
  for (std::size_t i = 0; i + 1 < std::size(ordered); ++i) {
    EXPECT_TRUE(compare_semver(v(ordered[i]), v(ordered[i + 1])) < 0) << ordered[i] << " < " << ordered[i + 1];
    EXPECT_TRUE(compare_semver(v(ordered[i + 1]), v(ordered[i])) > 0) << ordered[i + 1] << " > " << ordered[i];
  }
}

TEST(SemVer, NumericPartsCompareAsNumbers) {
  EXPECT_TRUE(compare_semver(v("1.9.0"), v("1.10.0")) < 0);
  EXPECT_TRUE(compare_semver(v("2.0.0"), v("1.99.99")) > 0);
  EXPECT_TRUE(compare_semver(v("0.4.0"), v("0.5.0")) < 0);
  EXPECT_TRUE(compare_semver(v("1.2.3+a"), v("1.2.3+b")) == 0);  // build metadata does not count
}

}  // namespace
}  // namespace cryftee
