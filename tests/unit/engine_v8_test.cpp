// The V8 engine under its limits, with a real wasm module compiled from tests/unit/wasm/engine_probe.c.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <thread>

#include "runtime/engine/v8_engine.h"
#include "runtime/engine/wasm_binary.h"

namespace cryftee::engine {
namespace {

Bytes read_probe() {
  std::ifstream in(std::string(CRYFTEE_TEST_WASM_DIR) + "/engine_probe.wasm", std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

Engine& engine() {
  static std::unique_ptr<Engine> shared = make_v8_engine();
  return *shared;
}

std::vector<HostFunction> probe_imports(int* calls) {
  return {HostFunction{"cryftee", "probe_double", {{ValueType::I32}, {ValueType::I64}},
                       [calls](GuestMemory&, CallContext*, std::span<const std::int64_t> args) {
                         ++*calls;
                         return args[0] * 2;
                       }}};
}

EffectiveLimits small_limits() {
  return {.memory_pages = 4, .deadline = std::chrono::milliseconds(200), .max_binary_bytes = 1 << 20};
}

TEST(EngineV8, CallsExportsAndHostImports) {
  auto module = engine().compile("probe", read_probe(), small_limits());
  auto worker = engine().create_worker();
  int calls = 0;
  auto instance = worker->instantiate(*module, probe_imports(&calls));
  std::int64_t add_args[] = {40, 2};
  EXPECT_EQ(instance->call("add", add_args, nullptr), 42);
  std::int64_t wide_args[] = {std::int64_t{1} << 40};
  EXPECT_EQ(instance->call("wide", wide_args, nullptr), (std::int64_t{1} << 40) * 3);
  std::int64_t host_args[] = {-21};
  EXPECT_EQ(instance->call("via_host", host_args, nullptr), -41);
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(instance->broken());
}

TEST(EngineV8, TrapBecomesModuleFaultNamingTheModule) {
  auto module = engine().compile("probe", read_probe(), small_limits());
  auto worker = engine().create_worker();
  int calls = 0;
  auto instance = worker->instantiate(*module, probe_imports(&calls));
  try {
    instance->call("trap", {}, nullptr);
    FAIL() << "trap did not fail";
  } catch (const ModuleFault& fault) {
    EXPECT_EQ(fault.state(), FailState::Trap);
    EXPECT_EQ(fault.status(), 500);
    EXPECT_EQ(fault.code(), "module_trap");
    EXPECT_NE(std::string(fault.what()).find("probe"), std::string::npos);
  }
  EXPECT_TRUE(instance->broken());
  // A fresh instance in the same worker works.
  auto replacement = worker->instantiate(*module, probe_imports(&calls));
  std::int64_t args[] = {1, 2};
  EXPECT_EQ(replacement->call("add", args, nullptr), 3);
}

TEST(EngineV8, OutOfBoundsStoreTraps) {
  auto module = engine().compile("probe", read_probe(), small_limits());
  auto worker = engine().create_worker();
  int calls = 0;
  auto instance = worker->instantiate(*module, probe_imports(&calls));
  std::int64_t args[] = {10 * 65536, 1};
  EXPECT_THROW(instance->call("store", args, nullptr), ModuleFault);
}

TEST(EngineV8, InfiniteLoopIsStoppedAtTheDeadline) {
  auto module = engine().compile("probe", read_probe(), small_limits());
  auto worker = engine().create_worker();
  int calls = 0;
  auto instance = worker->instantiate(*module, probe_imports(&calls));
  const auto start = std::chrono::steady_clock::now();
  try {
    instance->call("spin", {}, nullptr);
    FAIL() << "spin returned";
  } catch (const ModuleFault& fault) {
    EXPECT_EQ(fault.state(), FailState::Timeout);
    EXPECT_EQ(fault.status(), 503);
    EXPECT_EQ(fault.code(), "module_timeout");
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GE(elapsed, std::chrono::milliseconds(200));
  EXPECT_LT(elapsed, std::chrono::seconds(5));
  // The isolate is usable again: termination was cancelled.
  auto replacement = worker->instantiate(*module, probe_imports(&calls));
  std::int64_t args[] = {2, 2};
  EXPECT_EQ(replacement->call("add", args, nullptr), 4);
}

TEST(EngineV8, MemoryGrowthStopsAtThePageLimit) {
  auto module = engine().compile("probe", read_probe(), small_limits());
  auto worker = engine().create_worker();
  int calls = 0;
  auto instance = worker->instantiate(*module, probe_imports(&calls));
  try {
    instance->call("grow_forever", {}, nullptr);
    FAIL() << "grow_forever returned";
  } catch (const ModuleFault& fault) {
    EXPECT_EQ(fault.state(), FailState::OutOfMemory);
    EXPECT_NE(std::string(fault.what()).find("4 pages"), std::string::npos);
  }
  EXPECT_EQ(instance->memory_pages(), 4u);
}

TEST(EngineV8, RefusesOversizedBinariesAndStartMemoryOverLimit) {
  EffectiveLimits limits = small_limits();
  limits.max_binary_bytes = 100;
  EXPECT_THROW(engine().compile("probe", read_probe(), limits), Error);
  limits = small_limits();
  limits.memory_pages = 1;  // the probe starts with 2 pages
  EXPECT_THROW(engine().compile("probe", read_probe(), limits), Error);
  Bytes garbage{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x05};
  EXPECT_THROW(engine().compile("garbage", garbage, small_limits()), Error);
}

TEST(EngineV8, HostImportErrorsPassThroughAndKeepTheInstance) {
  auto module = engine().compile("probe", read_probe(), small_limits());
  auto worker = engine().create_worker();
  std::vector<HostFunction> imports{HostFunction{"cryftee", "probe_double", {{ValueType::I32}, {ValueType::I64}},
                                                 [](GuestMemory&, CallContext*, std::span<const std::int64_t>) -> std::int64_t {
                                                   throw not_found("no such key");
                                                 }}};
  auto instance = worker->instantiate(*module, imports);
  std::int64_t args[] = {1};
  try {
    instance->call("via_host", args, nullptr);
    FAIL() << "the host error was swallowed";
  } catch (const ModuleFault&) {
    FAIL() << "a host refusal is not a module fault";
  } catch (const Error& error) {
    EXPECT_EQ(error.status(), 404);
  }
  EXPECT_FALSE(instance->broken());
}

// A host import that sleeps past the module's 200 ms deadline: counted against the deadline unless the
// import is marked blocking (it waits on the network and bounds itself).
std::vector<HostFunction> slow_import(bool blocking) {
  HostFunction function{"cryftee", "probe_double", {{ValueType::I32}, {ValueType::I64}},
                        [](GuestMemory&, CallContext*, std::span<const std::int64_t> args) -> std::int64_t {
                          std::this_thread::sleep_for(std::chrono::milliseconds(400));
                          return args[0] * 2;
                        }};
  function.blocking = blocking;
  return {function};
}

TEST(EngineV8, BlockingImportsDoNotCountAgainstTheDeadline) {
  auto module = engine().compile("probe", read_probe(), small_limits());
  auto worker = engine().create_worker();
  std::int64_t args[] = {5};
  auto blocking = worker->instantiate(*module, slow_import(true));
  EXPECT_EQ(blocking->call("via_host", args, nullptr), 11);
  EXPECT_FALSE(blocking->broken());

  auto counted = worker->instantiate(*module, slow_import(false));
  try {
    counted->call("via_host", args, nullptr);
    FAIL() << "a slow import that is not blocking must run into the deadline";
  } catch (const ModuleFault& fault) {
    EXPECT_EQ(fault.state(), FailState::Timeout);
  }
}

TEST(EngineV8, OneCompiledModuleRunsInParallelWorkers) {
  auto module = engine().compile("probe", read_probe(), small_limits());
  std::vector<std::thread> threads;
  std::atomic<int> correct{0};
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      auto worker = engine().create_worker();
      int calls = 0;
      auto instance = worker->instantiate(*module, probe_imports(&calls));
      for (int i = 0; i < 1000; ++i) {
        std::int64_t args[] = {t, i};
        if (instance->call("add", args, nullptr) == t + i) ++correct;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(correct.load(), 3000);
}

TEST(WasmBinary, ReadsImportsExportsAndCapsMemory) {
  Bytes probe = read_probe();
  WasmModuleInfo info = read_wasm_module(probe);
  ASSERT_EQ(info.imports.size(), 1u);
  EXPECT_EQ(info.imports[0].module, "cryftee");
  EXPECT_EQ(info.imports[0].name, "probe_double");
  EXPECT_EQ(info.imports[0].type.params, std::vector<ValueType>{ValueType::I32});
  ASSERT_TRUE(info.export_type("add"));
  EXPECT_EQ(info.export_type("add")->params.size(), 2u);
  ASSERT_TRUE(info.memory);
  EXPECT_EQ(info.memory->min_pages, 2u);
  WasmModuleInfo capped = read_wasm_module(cap_memory_pages(probe, 7));
  ASSERT_TRUE(capped.memory && capped.memory->max_pages);
  EXPECT_EQ(*capped.memory->max_pages, 7u);
  EXPECT_EQ(capped.exports.size(), info.exports.size());
}

}  // namespace
}  // namespace cryftee::engine
