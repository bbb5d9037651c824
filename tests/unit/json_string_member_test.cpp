#include "util/json_string_member.h"

#include <gtest/gtest.h>

namespace cryftee {
namespace {

TEST(JsonStringMember, ReadsTheOneStringMemberOfThatName) {
  EXPECT_EQ(json_string_member(R"({"a":1,"signatureB64":"qrs=","b":[{"signatureB64":"x"}]})", "signatureB64"), "qrs=");
  EXPECT_EQ(json_string_member(R"( {"s":""} )", "s"), "");
}

TEST(JsonStringMember, UnescapesTheValueAndMatchesAnEscapedName) {
  EXPECT_EQ(json_string_member(R"({"s":"a\"b\\c\u00e9\n"})", "s"), "a\"b\\c\xc3\xa9\n");
  EXPECT_EQ(json_string_member(R"({"\u0073":"v"})", "s"), "v");
}

TEST(JsonStringMember, NothingWhenAbsentRepeatedNotAStringOrNotAnObject) {
  EXPECT_EQ(json_string_member(R"({"t":"v"})", "s"), std::nullopt);
  EXPECT_EQ(json_string_member(R"({"s":"v","s":"w"})", "s"), std::nullopt);
  EXPECT_EQ(json_string_member(R"({"s":5})", "s"), std::nullopt);
  EXPECT_EQ(json_string_member(R"({"s":null})", "s"), std::nullopt);
  EXPECT_EQ(json_string_member(R"(["s"])", "s"), std::nullopt);
  EXPECT_EQ(json_string_member(R"({"s":"v")", "s"), std::nullopt);
  EXPECT_EQ(json_string_member(R"({"s":"v"} x)", "s"), std::nullopt);
}

}  // namespace
}  // namespace cryftee
