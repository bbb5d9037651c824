// A module's answer is checked once and sent on as written, with the host's moduleId and moduleVersion.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "runtime/engine/engine.h"
#include "runtime/module_answer.h"
#include "util/error.h"

namespace cryftee::runtime {
namespace {

std::string splice(const std::string& text) {
  return ModuleAnswer::check("m", text).with_module("bls_v1", "1.2.3");
}

TEST(ModuleAnswer, TheModulesTextGoesOutAsWrittenWithTheHostsFieldsAppended) {
  EXPECT_EQ(splice(R"({"signatureB64":"AAE=","b":[1,{"c":null}]})"),
            R"({"signatureB64":"AAE=","b":[1,{"c":null}],"moduleId":"bls_v1","moduleVersion":"1.2.3"})");
  EXPECT_EQ(splice("{}"), R"({"moduleId":"bls_v1","moduleVersion":"1.2.3"})");
  EXPECT_EQ(splice(" { \"a\" : 1 } \n"), R"( { "a" : 1 ,"moduleId":"bls_v1","moduleVersion":"1.2.3"})");
}

TEST(ModuleAnswer, TheHostsFieldsAreEscapedAsJsonStrings) {
  const std::string id = "a\"b\\c\x01" "d\u00e9";
  const nlohmann::json answer = nlohmann::json::parse(ModuleAnswer::check("m", R"({"x":1})").with_module(id, "1.0.0"));
  EXPECT_EQ(answer["moduleId"], id);
  EXPECT_EQ(answer["x"], 1);
}

TEST(ModuleAnswer, TheHostsModuleIdAndVersionReplaceTheModulesOwn) {
  const nlohmann::json answer = nlohmann::json::parse(splice(R"({"moduleId":"claimed","x":{"moduleVersion":"nested"}})"));
  EXPECT_EQ(answer, nlohmann::json::parse(R"({"moduleId":"bls_v1","moduleVersion":"1.2.3","x":{"moduleVersion":"nested"}})"));
  EXPECT_EQ(nlohmann::json::parse(splice(R"({"moduleVersion":"9.9.9"})")),
            nlohmann::json::parse(R"({"moduleId":"bls_v1","moduleVersion":"1.2.3"})"));
}

TEST(ModuleAnswer, AnythingButOneJsonObjectIsABadResponse) {
  using namespace std::string_literals;  // for the NUL bytes inside two of them
  const std::vector<std::string> refused = {"", "[]", "[{}]", "42", "\"text\"", "null", "{", "{}{}", "{} x",
                                           "{\"a\":1,}", "{\"a\":\"\xff\"}", "{\"a\":\"\x01\"}",
                                           "{}\0{\"a\":1}"s, "{\"a\":1}\0"s};
  for (const std::string& text : refused) {
    try {
      ModuleAnswer::check("m", text);
      ADD_FAILURE() << "accepted: " << text;
    } catch (const engine::ModuleFault& fault) {
      EXPECT_EQ(fault.state(), engine::FailState::BadResponse) << text;
    }
  }
}

TEST(ModuleAnswer, AModulesErrorAnswerBecomesAnErrorWithItsStatus) {
  const auto error_of = [](const std::string& text) -> Error {
    try {
      ModuleAnswer::check("m", text);
    } catch (const engine::ModuleFault&) {
      throw;
    } catch (const Error& error) {
      return error;
    }
    throw std::logic_error("no error thrown for " + text);
  };
  const Error refused = error_of(R"({"error":"unknown_key","message":"no such key","status":404})");
  EXPECT_EQ(refused.status(), 404);
  EXPECT_EQ(refused.code(), "unknown_key");
  EXPECT_STREQ(refused.what(), "no such key");
  EXPECT_EQ(error_of(R"({"error":"bad"})").status(), 400);
  EXPECT_EQ(error_of(R"({"error":"bad","status":200})").status(), 400);
  EXPECT_EQ(error_of(R"({"error":"bad","status":600})").status(), 400);
  EXPECT_STREQ(error_of(R"({"error":"bad"})").what(), "the module refused the request");
  // Fields of the wrong type fall back to the defaults instead of losing the module's error code.
  EXPECT_EQ(error_of(R"({"error":"bad","status":"404"})").status(), 400);
  EXPECT_EQ(error_of(R"({"error":"bad","status":404.5})").status(), 400);
  EXPECT_EQ(error_of(R"({"error":"bad","status":18446744073709551615})").status(), 400);
  EXPECT_EQ(error_of(R"({"error":"bad","status":409,"message":42})").code(), "bad");
  EXPECT_STREQ(error_of(R"({"error":"bad","message":["x"]})").what(), "the module refused the request");
}

TEST(ModuleAnswer, AnErrorFieldThatIsNotAStringIsAnOrdinaryMember) {
  EXPECT_EQ(ModuleAnswer::check("m", R"({"error":null,"ok":true})").json(), nlohmann::json::parse(R"({"error":null,"ok":true})"));
  EXPECT_EQ(ModuleAnswer::check("m", R"({"nested":{"error":"not at the top"}})").json()["nested"]["error"], "not at the top");
}

}  // namespace
}  // namespace cryftee::runtime
