// Log lines reach stderr whole and in the order they were logged, batched or not.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "util/log.h"

namespace cryftee::log {
namespace {

// Sends stderr to a file for the test's lifetime and reads back what was written.
class CapturedStderr {
 public:
  CapturedStderr() : path_(std::filesystem::temp_directory_path() / ("cryftee-log-test-" + std::to_string(::getpid()))) {
    saved_ = ::dup(STDERR_FILENO);
    const int file = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(file, STDERR_FILENO);
    ::close(file);
  }
  ~CapturedStderr() {
    ::dup2(saved_, STDERR_FILENO);
    ::close(saved_);
    std::filesystem::remove(path_);
  }
  std::vector<std::string> lines() const {
    std::ifstream in(path_);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }
  std::vector<std::string> events() const {
    std::ifstream in(path_);
    std::vector<std::string> events;
    for (std::string line; std::getline(in, line);) {
      std::istringstream words(line);
      std::string timestamp, level, event;
      words >> timestamp >> level >> event;
      events.push_back(level + " " + event);
    }
    return events;
  }

 private:
  std::filesystem::path path_;
  int saved_ = -1;
};

class Log : public ::testing::Test {
 protected:
  void SetUp() override { configure(Level::Info, LogFormat::Text); }
};

TEST_F(Log, WithoutABatcherBatchedLinesAreWrittenAtOnce) {
  CapturedStderr captured;
  batched(Level::Info, "first");
  EXPECT_EQ(captured.events(), std::vector<std::string>{"info first"});
}

TEST_F(Log, ALineLoggedAtOnceFollowsTheBatchedLinesBeforeIt) {
  CapturedStderr captured;
  {
    LineBatcher batcher;
    batched(Level::Info, "one");
    batched(Level::Info, "two");
    warn("three");
    const std::vector<std::string> written = captured.events();
    EXPECT_EQ(written, (std::vector<std::string>{"info one", "info two", "warn three"}));
    batched(Level::Info, "four");
  }
  EXPECT_EQ(captured.events(), (std::vector<std::string>{"info one", "info two", "warn three", "info four"}));
}

TEST_F(Log, TheBatcherWritesWaitingLinesByItself) {
  CapturedStderr captured;
  LineBatcher batcher;
  batched(Level::Info, "waiting");
  // No timing is asserted: the line must arrive without any other line or flush pushing it out.
  for (int i = 0; i < 400 && captured.events().empty(); ++i) ::usleep(10'000);
  EXPECT_EQ(captured.events(), std::vector<std::string>{"info waiting"});
}

TEST_F(Log, FlushWritesEveryBatchedLineAndLevelsStillFilter) {
  CapturedStderr captured;
  LineBatcher batcher;
  batched(Level::Debug, "hidden");
  batched(Level::Info, "shown");
  flush();
  EXPECT_EQ(captured.events(), std::vector<std::string>{"info shown"});
}

// The request line's fast form writes what the JSON object form writes, in text and in JSON.
TEST_F(Log, FieldsAreWrittenAsTheJsonObjectFormWritesThem) {
  for (const LogFormat format : {LogFormat::Text, LogFormat::Json}) {
    configure(Level::Info, format);
    CapturedStderr captured;
    const std::string peer = "unix:uid=0";
    batched_fields(Level::Info, "request",
                   {{"duration_ms", 0.25}, {"empty", std::string_view{}}, {"method", "GET"}, {"peer", peer},
                    {"quoted", "a \"b\" c"}, {"status", std::int64_t{200}}, {"whole", 3.0}});
    batched(Level::Info, "request",
            {{"duration_ms", 0.25}, {"empty", ""}, {"method", "GET"}, {"peer", peer}, {"quoted", "a \"b\" c"},
             {"status", 200}, {"whole", 3.0}});
    const std::vector<std::string> lines = captured.lines();
    ASSERT_EQ(lines.size(), 2u);
    // But for the timestamps, which may differ by a millisecond.
    const std::regex timestamp(R"(\d{4}-\d\d-\d\dT[0-9:.]+Z)");
    EXPECT_EQ(std::regex_replace(lines[0], timestamp, "T"), std::regex_replace(lines[1], timestamp, "T"));
    EXPECT_NE(lines[0].find("status"), std::string::npos);
  }
}

TEST_F(Log, OnlyOneBatcherAtATime) {
  LineBatcher batcher;
  EXPECT_THROW(LineBatcher{}, std::logic_error);
}

}  // namespace
}  // namespace cryftee::log
