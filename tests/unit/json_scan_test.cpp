// The allocation-free JSON check accepts exactly RFC 8259 text and reports the top-level members as written.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "util/json_scan.h"

namespace cryftee {
namespace {

std::vector<std::pair<std::string, std::string>> members_of(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> seen;
  EXPECT_EQ(scan_json(text, [&seen](const JsonMember& member) { seen.emplace_back(member.name, member.value); }),
            JsonScan::Object)
      << text;
  return seen;
}

TEST(JsonScan, ReportsEachTopLevelMemberAsWritten) {
  using Members = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(members_of(R"({"a":1,"b" : [1, {"c": "}"}] ,"\u0065":{"d":{}},"e":"x\"y","f":-0.5e+3,"g":null})"),
            (Members{{"a", "1"},
                     {"b", R"([1, {"c": "}"}])"},
                     {R"(\u0065)", R"({"d":{}})"},
                     {"e", R"("x\"y")"},
                     {"f", "-0.5e+3"},
                     {"g", "null"}}));
  EXPECT_EQ(members_of(" {} \n"), Members{});
  EXPECT_EQ(members_of(R"({"a":{},"b":[]})"), (Members{{"a", "{}"}, {"b", "[]"}}));
}

TEST(JsonScan, ValidJsonThatIsNotAnObjectIsToldApart) {
  for (const char* text : {"[]", "[{}]", "42", "-0", "1.5E-7", "\"text\"", "true", "false", "null", " [ 1 , [ ] ] "}) {
    EXPECT_EQ(scan_json(text), JsonScan::NotObject) << text;
  }
}

TEST(JsonScan, AcceptsWhatRfc8259Allows) {
  for (const char* text : {R"({"\"\\\/\b\f\n\r\t":"\u0000\uD83D\uDE00\u00e9"})", "{\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\":1}",
                           "{\"a\":[true,false,null,0,-1,10,1e5,1E+5,1.25e-3]}", "\t\r\n{}\t\r\n"}) {
    EXPECT_EQ(scan_json(text), JsonScan::Object) << text;
  }
}

TEST(JsonScan, RefusesWhatRfc8259DoesNot) {
  using namespace std::string_literals;  // for the NUL bytes
  const std::vector<std::string> invalid = {
      "", " ", "{", "}", "{}{}", "{} x", "{\"a\":1,}", "{\"a\"}", "{\"a\" 1}", "{a:1}", "{'a':1}", "[1,]", "[,1]",
      "01", "1.", ".5", "-", "+1", "1e", "1e+", "0x10", "NaN", "Infinity", "tru", "nul", "True",
      "\"\x01\"", "\"a", "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"",
      "\"\\uD800\"", "\"\\uDC00\"", "\"\\uD800\\u0041\"", "\"\\uD800x\"",
      "\"\xff\"", "\"\xc0\xaf\"", "\"\xe0\x80\xaf\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\xc3\"",
      "\"\xe2\x82\"", "\xef\xbb\xbf{}", "{}\0"s, "{\"a\0\":1}"s, "\0{}"s, "{\"a\":1}\x0b"};
  for (const std::string& text : invalid) EXPECT_EQ(scan_json(text), JsonScan::Invalid) << text;
}

TEST(JsonScan, ANumberMustBeFiniteAsADoubleLikeTheParserWants) {
  const std::string zeros(400, '0');
  for (const std::string& finite : std::vector<std::string>{"1.7976931348623157e308", "-1.7976931348623157e308", "1e-999", "0e99999999999999999999",
                                    "0.000e999", "0." + zeros + "1e400", "9" + std::string(300, '9'), "1e308"}) {
    EXPECT_EQ(scan_json(finite), JsonScan::NotObject) << finite;
  }
  for (const std::string& infinite : std::vector<std::string>{"1e999", "-1e309", "1.8e308", "1.7976931348623159e308", "1" + zeros,
                                      "{\"a\":1e99999999999999999999}"}) {
    EXPECT_EQ(scan_json(infinite), JsonScan::Invalid) << infinite;
  }
}

TEST(JsonScan, NestingIsBoundedWithoutRecursion) {
  const auto nested = [](std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); };
  EXPECT_EQ(scan_json(nested(kJsonScanMaxDepth)), JsonScan::NotObject);
  EXPECT_EQ(scan_json(nested(kJsonScanMaxDepth + 1)), JsonScan::TooDeep);
  EXPECT_EQ(scan_json(std::string(1'000'000, '[')), JsonScan::TooDeep);
  std::string objects;
  for (std::size_t i = 0; i < kJsonScanMaxDepth; ++i) objects += "{\"a\":";
  objects += "1" + std::string(kJsonScanMaxDepth, '}');
  EXPECT_EQ(scan_json(objects), JsonScan::Object);
}

TEST(JsonScan, AMemberIsAddedBeforeTheClosingBrace) {
  const auto added = [](std::string object) {
    append_json_member(object, "n\"1", R"({"x":[1]})");
    EXPECT_EQ(scan_json(object), JsonScan::Object) << object;
    return object;
  };
  EXPECT_EQ(added(R"({"a":1})"), R"({"a":1,"n\"1":{"x":[1]}})");
  EXPECT_EQ(added("{}"), R"({"n\"1":{"x":[1]}})");
  EXPECT_EQ(added(" { \t} \n"), " { \t\"n\\\"1\":{\"x\":[1]}}");
  EXPECT_EQ(added(R"({"a":"}"} )"), R"({"a":"}","n\"1":{"x":[1]}})");
}

TEST(JsonScan, NamesAreComparedOnceUnescaped) {
  EXPECT_TRUE(json_name_is("error", "error"));
  EXPECT_TRUE(json_name_is(R"(\u0065rro\u0072)", "error"));
  EXPECT_TRUE(json_name_is(R"(a\/b\"c\\)", "a/b\"c\\"));
  EXPECT_FALSE(json_name_is("errors", "error"));
  EXPECT_FALSE(json_name_is("erro", "error"));
  EXPECT_FALSE(json_name_is(R"(\u00e9)", "e"));
  EXPECT_FALSE(json_name_is(R"(\u00)", "e"));
  EXPECT_FALSE(json_name_is(R"(\u00GG)", "e"));
}

}  // namespace
}  // namespace cryftee
