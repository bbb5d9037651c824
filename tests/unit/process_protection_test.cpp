#include "util/process_protection.h"

#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <cstdlib>
#include <cstring>

namespace cryftee {
namespace {

TEST(ProcessProtection, WipesSecretVariablesFromTheEnvironmentAndTheirText) {
  ASSERT_EQ(::setenv("CRYFTEE_TEST_SECRET", "hunter2-very-secret", 1), 0);
  char* text = std::getenv("CRYFTEE_TEST_SECRET");
  ASSERT_NE(text, nullptr);
  char* entry = text - std::strlen("CRYFTEE_TEST_SECRET=");
  wipe_environment_variables({"CRYFTEE_TEST_SECRET", "CRYFTEE_TEST_ABSENT"});
  EXPECT_EQ(std::getenv("CRYFTEE_TEST_SECRET"), nullptr);
  // The text itself is overwritten, not just unlinked from environ (setenv's copy is never freed).
  EXPECT_EQ(std::strstr(entry, "hunter2"), nullptr);
}

TEST(ProcessProtection, MakesTheProcessNotDumpableWithNoCoreFiles) {
  const int dumpable_before = ::prctl(PR_GET_DUMPABLE);
  const ProtectionReport report = protect_process();
  EXPECT_TRUE(report.not_dumpable);
  EXPECT_TRUE(report.no_core_files);
  EXPECT_EQ(::prctl(PR_GET_DUMPABLE), 0);
  rlimit core{};
  ASSERT_EQ(::getrlimit(RLIMIT_CORE, &core), 0);
  EXPECT_EQ(core.rlim_cur, 0u);
  EXPECT_NE(report.secure_heap, "unavailable");
  ::prctl(PR_SET_DUMPABLE, dumpable_before);
}

}  // namespace
}  // namespace cryftee
