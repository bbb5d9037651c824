// Dispatch and host ABI v1 with the real debug_v1 module: every failure mode leaves the pool serving.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <span>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "custody_support.h"
#include "runtime/dispatch.h"
#include "runtime/engine/v8_engine.h"
#include "runtime/host_abi.h"

namespace cryftee::runtime {
namespace {

Bytes read_wasm(const std::string& name) {
  std::ifstream in(std::string(CRYFTEE_TEST_WASM_DIR) + "/" + name + ".wasm", std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

ModuleRecord debug_record(std::vector<std::string> imports = {"http_request"}) {
  ModuleRecord record;
  record.entry.id = "debug_v1";
  record.entry.imports = std::move(imports);
  record.entry.limits.memory_pages = 32;
  record.entry.limits.deadline_ms = 300;
  record.entry.signature = "sig-" + std::to_string(record.entry.imports.size());
  record.computed_hash = "sha256:test";
  record.wasm = std::make_shared<const Bytes>(read_wasm("debug_v1"));
  record.status.loaded = true;
  return record;
}

class DispatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dispatcher_ = std::make_unique<Dispatcher>(engine::make_v8_engine(), 2, custody_,
                                               std::vector<std::string>{"http://127.0.0.1:1/web3signer"});
    record_ = debug_record();
    ASSERT_EQ(dispatcher_->engine_check()(record_), std::nullopt);
  }

  void expect_echo_works() {
    auto response = dispatcher_->call(record_, "debug_echo", {{"n", 7}}).json();
    EXPECT_EQ(response["echo"]["n"], 7);
  }

  Custody custody_{testing::memory_only_custody()};
  std::unique_ptr<Dispatcher> dispatcher_;
  ModuleRecord record_;
};

TEST_F(DispatchTest, EchoRoundTripsThroughTheModule) {
  auto response = dispatcher_->call(record_, "debug_echo", {{"text", "h\u00e9llo \"quoted\""}, {"list", {1, 2}}}).json();
  EXPECT_EQ(response["echo"]["text"], "h\u00e9llo \"quoted\"");
  EXPECT_EQ(response["echo"]["list"], nlohmann::json({1, 2}));
}

TEST_F(DispatchTest, ModuleErrorsBecomeErrorsWithTheirStatus) {
  try {
    dispatcher_->call(record_, "no_such_op", nlohmann::json::object());
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.status(), 404);
    EXPECT_EQ(error.code(), "unknown_operation");
  }
}

TEST_F(DispatchTest, TrapAnswers500AndTheNextCallWorks) {
  for (int i = 0; i < 3; ++i) {
    try {
      dispatcher_->call(record_, "debug_trap", nlohmann::json::object());
      FAIL();
    } catch (const Error& error) {
      EXPECT_EQ(error.status(), 500);
      EXPECT_EQ(error.code(), "module_trap");
      EXPECT_NE(std::string(error.what()).find("debug_v1"), std::string::npos);
    }
  }
  EXPECT_FALSE(dispatcher_->health().at("debug_v1").healthy);
  expect_echo_works();
  EXPECT_TRUE(dispatcher_->health().at("debug_v1").healthy);
}

TEST_F(DispatchTest, InfiniteLoopAnswers503AndTheNextCallWorks) {
  try {
    dispatcher_->call(record_, "debug_loop", nlohmann::json::object());
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.status(), 503);
    EXPECT_EQ(error.code(), "module_timeout");
    EXPECT_NE(std::string(error.what()).find("300 ms"), std::string::npos);
  }
  expect_echo_works();
  expect_echo_works();
}

TEST_F(DispatchTest, UnboundedAllocationStopsAtThePageLimit) {
  try {
    dispatcher_->call(record_, "debug_alloc", nlohmann::json::object());
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.status(), 500);
    EXPECT_NE(std::string(error.what()).find("out of memory"), std::string::npos);
    EXPECT_NE(std::string(error.what()).find("32 pages"), std::string::npos);
  }
  expect_echo_works();
}

TEST_F(DispatchTest, EgressOnlyToConfiguredUrls) {
  try {
    dispatcher_->call(record_, "debug_egress", {{"url", "http://127.0.0.1:1/elsewhere"}});
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.status(), 403);
    EXPECT_EQ(error.code(), "egress_refused");
  }
  try {
    dispatcher_->call(record_, "debug_egress", {{"url", "http://127.0.0.1:1/web3signerX"}});
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), "egress_refused");
  }
  try {
    dispatcher_->call(record_, "debug_egress", {{"url", "http://127.0.0.1:1/web3signer/upcheck"}});
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), "web3signer_unreachable");  // allowed, but nothing listens on port 1
  }
  expect_echo_works();
}

TEST_F(DispatchTest, ManyParallelCallsAllAnswerCorrectly) {
  std::vector<std::thread> clients;
  std::atomic<int> correct{0};
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&, c] {
      for (int i = 0; i < 200; ++i) {
        if (dispatcher_->call(record_, "debug_echo", {{"n", c * 1000 + i}}).json()["echo"]["n"] == c * 1000 + i) ++correct;
      }
    });
  }
  for (auto& client : clients) client.join();
  EXPECT_EQ(correct.load(), 800);
}

TEST(HostAbi, UngrantedImportIsRefusedAtLoadNamingTheImport) {
  Custody custody(testing::memory_only_custody());
  Dispatcher dispatcher(engine::make_v8_engine(), 1, custody, {});
  ModuleRecord record = debug_record({});
  auto reason = dispatcher.engine_check()(record);
  ASSERT_TRUE(reason);
  EXPECT_NE(reason->find("http_request"), std::string::npos);
  EXPECT_THROW(dispatcher.call(record, "debug_echo", nlohmann::json::object()), Error);
}

TEST(HostAbi, ImportsTheHostDoesNotOfferAreRefused) {
  Custody custody(testing::memory_only_custody());
  Dispatcher dispatcher(engine::make_v8_engine(), 1, custody, {});
  ModuleRecord record = debug_record({"probe_double"});
  record.entry.id = "probe";
  record.wasm = std::make_shared<const Bytes>(read_wasm("engine_probe"));
  auto reason = dispatcher.engine_check()(record);
  ASSERT_TRUE(reason);
  EXPECT_NE(reason->find("cryftee.probe_double"), std::string::npos) << *reason;
}

// Guest memory over a plain buffer, for calling a host import directly.
class BufferMemory final : public engine::GuestMemory {
 public:
  explicit BufferMemory(std::size_t size) : bytes_(size) {}
  std::span<std::uint8_t> range(std::uint32_t offset, std::uint32_t size) override {
    if (offset > bytes_.size() || size > bytes_.size() - offset) throw std::out_of_range("outside the buffer");
    return std::span<std::uint8_t>(bytes_).subspan(offset, size);
  }
  std::uint32_t put(std::string_view text) {
    const auto at = static_cast<std::uint32_t>(used_);
    std::copy(text.begin(), text.end(), bytes_.begin() + static_cast<std::ptrdiff_t>(at));
    used_ += text.size();
    return at;
  }

 private:
  std::vector<std::uint8_t> bytes_;
  std::size_t used_ = 0;
};

TEST(HostAbi, AnHttpRequestWithAFieldOfTheWrongTypeIsRefusedAsABadEgressRequest) {
  Custody custody(testing::memory_only_custody());
  const std::vector<std::string> egress = {"http://127.0.0.1:1/web3signer"};
  CallContext context{"debug_v1", custody, egress};
  const engine::HostFunction http_request = http_imports().at(0).function;
  for (const char* request : {R"({"url":5})", R"({"url":"http://127.0.0.1:1/web3signer/x","method":["GET"]})",
                              R"({"url":"http://127.0.0.1:1/web3signer/x","body":{"a":1}})"}) {
    BufferMemory memory(4096);
    const std::string text = request;
    const std::uint32_t at = memory.put(text);
    const std::int64_t args[] = {at, static_cast<std::int64_t>(text.size()), 2048, 1024};
    try {
      http_request.callback(memory, &context, args);
      ADD_FAILURE() << "accepted: " << request;
    } catch (const Error& error) {
      EXPECT_EQ(error.status(), 400) << request;
      EXPECT_EQ(error.code(), "bad_egress_request") << request;
    }
  }
}

}  // namespace
}  // namespace cryftee::runtime
