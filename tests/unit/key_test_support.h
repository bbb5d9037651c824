#pragma once
// Shared by the key cryptography and custody tests: the known-answer vectors in tests/vectors and a
// check that a call fails with a given cryftee::Error.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "util/encoding.h"
#include "util/error.h"

namespace cryftee::testing {

inline nlohmann::json load_vectors(const std::string& file_name) {
  const std::string path = std::string(CRYFTEE_VECTORS_DIR) + "/" + file_name;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open test vectors " + path);
  return nlohmann::json::parse(in);
}

inline Bytes hex(const std::string& text) {
  auto bytes = hex_decode(text);
  if (!bytes) throw std::runtime_error("bad hex in test data: " + text);
  return *bytes;
}

// Runs the call and returns the cryftee::Error it throws; fails the test when it throws nothing.
inline Error error_from(const std::function<void()>& call) {
  try {
    call();
  } catch (const Error& error) {
    return error;
  }
  ADD_FAILURE() << "expected a cryftee::Error";
  return Error(0, "none", "no error thrown");
}

#define EXPECT_CRYFTEE_ERROR(call, expected_status, expected_code)                     \
  do {                                                                                 \
    const ::cryftee::Error error_ = ::cryftee::testing::error_from([&] { (void)(call); }); \
    EXPECT_EQ(error_.status(), expected_status) << error_.what();                      \
    EXPECT_EQ(error_.code(), expected_code) << error_.what();                          \
  } while (false)

}  // namespace cryftee::testing
