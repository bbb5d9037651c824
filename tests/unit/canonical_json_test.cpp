// RFC 8785 (JCS) known answers: the examples of sections 3.2.2 and 3.2.3 and the number table of
// appendix B.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include "util/canonical_json.h"
#include "util/error.h"

namespace cryftee {
namespace {

TEST(CanonicalJson, Rfc8785Section322Example) {
  const auto input = nlohmann::json::parse(R"({
    "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
    "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
    "literals": [null, true, false]
  })");
  EXPECT_EQ(canonical_json(input),
            "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
            "\"string\":\"\xE2\x82\xAC$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
}

TEST(CanonicalJson, Rfc8785Section323SortsByUtf16CodeUnits) {
  const auto input = nlohmann::json::parse(R"({
    "\u20ac": "Euro Sign",
    "\r": "Carriage Return",
    "\ufb33": "Hebrew Letter Dalet With Dagesh",
    "1": "One",
    "\ud83d\ude00": "Emoji: Grinning Face",
    "\u0080": "Control",
    "\u00f6": "Latin Small Letter O With Diaeresis"
  })");
  // U+1F600 is the surrogate pair D83D DE00, so it sorts before U+FB33 although its UTF-8 bytes do not.
  EXPECT_EQ(canonical_json(input),
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xC2\x80\":\"Control\","
            "\"\xC3\xB6\":\"Latin Small Letter O With Diaeresis\",\"\xE2\x82\xAC\":\"Euro Sign\","
            "\"\xF0\x9F\x98\x80\":\"Emoji: Grinning Face\",\"\xEF\xAC\xB3\":\"Hebrew Letter Dalet With Dagesh\"}");
}

struct NumberCase {
  std::uint64_t bits;
  const char* expected;
};

TEST(CanonicalJson, Rfc8785AppendixBNumbers) {
  const NumberCase cases[] = {
      {0x0000000000000000, "0"},
      {0x8000000000000000, "0"},
      {0x0000000000000001, "5e-324"},
      {0x8000000000000001, "-5e-324"},
      {0x7fefffffffffffff, "1.7976931348623157e+308"},
      {0xffefffffffffffff, "-1.7976931348623157e+308"},
      {0x4340000000000000, "9007199254740992"},
      {0xc340000000000000, "-9007199254740992"},
      {0x4430000000000000, "295147905179352830000"},
      {0x44b52d02c7e14af5, "9.999999999999997e+22"},
      {0x44b52d02c7e14af6, "1e+23"},
      {0x44b52d02c7e14af7, "1.0000000000000001e+23"},
      {0x444b1ae4d6e2ef4e, "999999999999999700000"},
      {0x444b1ae4d6e2ef4f, "999999999999999900000"},
      {0x444b1ae4d6e2ef50, "1e+21"},
      {0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"},
      {0x3eb0c6f7a0b5ed8d, "0.000001"},
      {0x41b3de4355555553, "333333333.3333332"},
      {0x41b3de4355555554, "333333333.33333325"},
      {0x41b3de4355555555, "333333333.3333333"},
      {0x41b3de4355555556, "333333333.3333334"},
      {0x41b3de4355555557, "333333333.33333343"},
      {0xbecbf647612f3696, "-0.0000033333333333333333"},
      {0x43143ff3c1cb0959, "1424953923781206.2"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(canonical_json(nlohmann::json(std::bit_cast<double>(c.bits))), c.expected) << std::hex << c.bits;
  }
}

TEST(CanonicalJson, IntegersFormatLikeDoubles) {
  EXPECT_EQ(canonical_json(nlohmann::json(42)), "42");
  EXPECT_EQ(canonical_json(nlohmann::json(-7)), "-7");
  EXPECT_EQ(canonical_json(nlohmann::json(std::uint64_t{1} << 53)), "9007199254740992");
  // Beyond 2^53 a JavaScript verifier sees the nearest double, and so must the signer.
  EXPECT_EQ(canonical_json(nlohmann::json(std::uint64_t{18446744073709551615u})), "18446744073709552000");
}

TEST(CanonicalJson, NoWhitespaceNestedSorting) {
  const auto input = nlohmann::json::parse(R"({"b": [ {"z": 1, "a": 2} ], "a": {"d": null, "c": "x"}})");
  EXPECT_EQ(canonical_json(input), R"({"a":{"c":"x","d":null},"b":[{"a":2,"z":1}]})");
}

TEST(CanonicalJson, EscapesOnlyWhatJcsEscapes) {
  EXPECT_EQ(canonical_json(nlohmann::json("\b\f\n\r\t\x01\x1f/\x7f")), "\"\\b\\f\\n\\r\\t\\u0001\\u001f/\x7f\"");
}

TEST(CanonicalJson, RefusesWhatJsonCannotRepresent) {
  for (double value : {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
                       -std::numeric_limits<double>::infinity()}) {
    try {
      canonical_json(nlohmann::json(value));
      FAIL() << "accepted " << value;
    } catch (const Error& error) {
      EXPECT_EQ(error.status(), 400);
      EXPECT_EQ(error.code(), "not_canonicalizable");
    }
  }
  EXPECT_THROW(canonical_json(nlohmann::json(std::string("\xC3\x28"))), Error);        // invalid UTF-8
  EXPECT_THROW(canonical_json(nlohmann::json(std::string("\xED\xA0\x80"))), Error);    // encoded surrogate
  EXPECT_THROW(canonical_json(nlohmann::json(std::string("\xC0\xAF"))), Error);        // overlong
}

TEST(CanonicalJson, RefusesExcessiveNesting) {
  nlohmann::json deep = nlohmann::json::array();
  for (std::size_t i = 0; i < kCanonicalJsonMaxDepth + 1; ++i) deep = nlohmann::json::array({deep});
  EXPECT_THROW(canonical_json(deep), Error);
}

}  // namespace
}  // namespace cryftee
