// An installed binary (PREFIX/bin with PREFIX/share/cryftee) takes its defaults from that layout; any other
// binary, like build/cryftee, does not.
#include "config/install_layout.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace cryftee::config {
namespace {

namespace fs = std::filesystem;

fs::path fresh_dir() {
  const fs::path dir = fs::temp_directory_path() / ("cryftee-layout-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST(InstallLayout, UnderUsrTheConfigurationIsInTheSiblingEtc) {
  const fs::path root = fresh_dir();
  fs::create_directories(root / "usr/bin");
  fs::create_directories(root / "usr/share/cryftee");
  const auto layout = install_layout_of(root / "usr/bin/cryftee");
  ASSERT_TRUE(layout.has_value());
  EXPECT_EQ(layout->module_dir, root / "usr/share/cryftee/modules");
  EXPECT_EQ(layout->ui_dir, root / "usr/share/cryftee/ui");
  EXPECT_EQ(layout->trust_config, root / "etc/cryftee/trust.toml");
  EXPECT_EQ(install_layout_of("/usr/bin/cryftee").value_or(InstallLayout{}).trust_config.string(),
            fs::is_directory("/usr/share/cryftee") ? "/etc/cryftee/trust.toml" : "");
}

TEST(InstallLayout, AnyOtherPrefixKeepsItsOwnEtc) {
  const fs::path prefix = fresh_dir() / "opt-cryftee";
  fs::create_directories(prefix / "bin");
  fs::create_directories(prefix / "share/cryftee");
  const auto layout = install_layout_of(prefix / "bin/cryftee");
  ASSERT_TRUE(layout.has_value());
  EXPECT_EQ(layout->trust_config, prefix / "etc/cryftee/trust.toml");
}

TEST(InstallLayout, ABuildTreeOrAStrayBinaryIsNotInstalled) {
  const fs::path dir = fresh_dir();
  fs::create_directories(dir / "build");
  EXPECT_FALSE(install_layout_of(dir / "build/cryftee").has_value());
  fs::create_directories(dir / "usr/bin");
  EXPECT_FALSE(install_layout_of(dir / "usr/bin/cryftee").has_value()) << "no share/cryftee beside it";
  fs::create_directories(dir / "usr/share/cryftee");
  fs::create_directories(dir / "usr/libexec");
  EXPECT_FALSE(install_layout_of(dir / "usr/libexec/cryftee").has_value()) << "not in a bin folder";
}

TEST(InstallLayout, TheUnitTestBinaryIsNotInstalled) { EXPECT_FALSE(running_install_layout().has_value()); }

}  // namespace
}  // namespace cryftee::config
