#pragma once
// Helpers for the config unit tests: load a Config from argv and an environment map, and write the
// files a setting names into a private temporary folder.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "config/loader.h"

namespace cryftee::testing {

inline ConfigOutcome load_outcome(const std::vector<std::string>& args, const Environment& environment,
                                  std::string* printed = nullptr) {
  std::vector<const char*> argv{"cryftee"};
  for (const auto& arg : args) argv.push_back(arg.c_str());
  std::ostringstream out;
  auto outcome = load_config(static_cast<int>(argv.size()), argv.data(), environment, out);
  if (printed != nullptr) *printed = out.str();
  return outcome;
}

inline Config load(const std::vector<std::string>& args = {}, const Environment& environment = {}) {
  auto outcome = load_outcome(args, environment);
  if (!outcome.config) throw std::logic_error("load_config printed help or version instead of a Config");
  return *outcome.config;
}

// The ConfigError message for this input; fails the test when loading succeeds.
inline std::string load_error(const std::vector<std::string>& args, const Environment& environment = {}) {
  try {
    load(args, environment);
  } catch (const ConfigError& error) {
    const std::string message = error.what();
    EXPECT_EQ(message.find('\n'), std::string::npos) << "not one line: " << message;
    return message;
  }
  ADD_FAILURE() << "expected a ConfigError";
  return {};
}

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "cryftee-config-test-XXXXXX").native();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string write(const std::string& name, const std::string& content, mode_t mode = 0600) const {
    const auto file = path_ / name;
    std::ofstream(file, std::ios::binary) << content;
    ::chmod(file.c_str(), mode);
    return file.native();
  }
  std::string path(const std::string& name) const { return (path_ / name).native(); }

 private:
  std::filesystem::path path_;
};

}  // namespace cryftee::testing
