// make_engine: the daemon's engine chosen by name among those built in.
#include <gtest/gtest.h>

#include "runtime/engine/engine_factory.h"

namespace cryftee::engine {
namespace {

TEST(EngineFactory, MakesEachBuiltInEngineByName) {
  EXPECT_EQ(engine_names(), "v8");
  const auto engine = make_engine("v8");
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(engine->name().rfind("v8 ", 0), 0u) << engine->name();
}

TEST(EngineFactory, UnknownNameIsAnErrorListingTheKnownEngines) {
  try {
    make_engine("wasmtime");
    FAIL() << "an unknown engine was made";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), "unknown_engine");
    EXPECT_EQ(std::string(error.what()), "no engine is named 'wasmtime'; known engines: v8");
  }
}

}  // namespace
}  // namespace cryftee::engine
