#include "runtime/reloader.h"

#include <gtest/gtest.h>

#include "util/error.h"

namespace cryftee {
namespace {

std::shared_ptr<const runtime::Registry> registry_of(std::uint64_t epoch, std::vector<std::pair<std::string, bool>> modules) {
  auto registry = std::make_shared<runtime::Registry>();
  registry->epoch = epoch;
  for (const auto& [id, loaded] : modules) {
    runtime::ModuleRecord record;
    record.entry.id = id;
    record.status.loaded = loaded;
    record.status.reason = loaded ? "" : "hash mismatch";
    registry->modules.push_back(record);
  }
  return registry;
}

struct ReloaderTest : ::testing::Test {
  runtime::RegistryHolder holder;
  std::vector<std::pair<std::string, bool>> next_modules{{"signer", true}, {"debug", true}};
  int swaps = 0;
  runtime::Reloader reloader{holder, [this](std::uint64_t epoch) { return registry_of(epoch, next_modules); },
                    [this](const runtime::Registry&) { ++swaps; }};

  void SetUp() override { holder.replace(registry_of(1, {{"signer", true}, {"debug", true}})); }
};

TEST_F(ReloaderTest, AppliesARegistryWhoseEveryModuleLoads) {
  EXPECT_FALSE(reloader.last_attempt());
  EXPECT_EQ(reloader.reload()->epoch, 2u);
  EXPECT_EQ(holder.current()->epoch, 2u);
  EXPECT_EQ(swaps, 1);
  ASSERT_TRUE(reloader.last_attempt());
  EXPECT_TRUE(reloader.last_attempt()->applied);
  EXPECT_EQ(reloader.last_attempt()->serving_epoch, 2u);
}

TEST_F(ReloaderTest, OneModuleThatWouldNotLoadKeepsTheServingRegistryWhole) {
  const auto serving = holder.current();
  next_modules = {{"signer", false}, {"debug", true}};
  try {
    reloader.reload();
    FAIL() << "the reload was applied";
  } catch (const Error& error) {
    EXPECT_EQ(error.status(), 409);
    EXPECT_EQ(error.code(), "reload_refused");
    EXPECT_NE(std::string(error.what()).find("signer: hash mismatch"), std::string::npos) << error.what();
  }
  EXPECT_EQ(holder.current(), serving);
  EXPECT_EQ(swaps, 0);
  ASSERT_TRUE(reloader.last_attempt());
  EXPECT_FALSE(reloader.last_attempt()->applied);
  EXPECT_EQ(reloader.last_attempt()->error, "reload_refused");
  EXPECT_EQ(reloader.last_attempt()->serving_epoch, 1u);
}

TEST_F(ReloaderTest, ARegistryThatCannotBeBuiltIsRecordedToo) {
  runtime::Reloader broken{holder, [](std::uint64_t) -> std::shared_ptr<const runtime::Registry> {
                    throw internal_error("the manifest does not exist", "manifest_missing");
                  }};
  EXPECT_THROW(broken.reload(), Error);
  EXPECT_EQ(holder.current()->epoch, 1u);
  EXPECT_EQ(broken.last_attempt()->error, "manifest_missing");
}

}  // namespace
}  // namespace cryftee
