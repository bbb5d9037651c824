#include "util/canonical_json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "util/error.h"
#include "util/json_scan.h"

namespace cryftee {
namespace {

Error not_canonicalizable(const std::string& message) { return Error(400, "not_canonicalizable", message); }

// Decodes UTF-8 into UTF-16 code units: JCS orders object members by them, not by bytes.
std::u16string utf16_units(std::string_view text) {
  std::u16string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::uint32_t code_point = 0;
    std::size_t length = 0;
    if (lead < 0x80) {
      code_point = lead;
      length = 1;
    } else if ((lead & 0xE0) == 0xC0) {
      code_point = lead & 0x1F;
      length = 2;
    } else if ((lead & 0xF0) == 0xE0) {
      code_point = lead & 0x0F;
      length = 3;
    } else if ((lead & 0xF8) == 0xF0) {
      code_point = lead & 0x07;
      length = 4;
    } else {
      throw not_canonicalizable("a string is not valid UTF-8");
    }
    if (i + length > text.size()) throw not_canonicalizable("a string ends inside a UTF-8 sequence");
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) throw not_canonicalizable("a string is not valid UTF-8");
      code_point = (code_point << 6) | (next & 0x3F);
    }
    static constexpr std::uint32_t kSmallestForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code_point < kSmallestForLength[length] || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      throw not_canonicalizable("a string is not valid UTF-8");
    }
    if (code_point >= 0x10000) {
      code_point -= 0x10000;
      out += static_cast<char16_t>(0xD800 + (code_point >> 10));
      out += static_cast<char16_t>(0xDC00 + (code_point & 0x3FF));
    } else {
      out += static_cast<char16_t>(code_point);
    }
    i += length;
  }
  return out;
}

// RFC 8785 section 3.2.2.2 (util/json_scan.h writes that form), for UTF-8 text only.
void append_string(std::string& out, const std::string& text) {
  utf16_units(text);  // validates the UTF-8
  append_json_string(out, text);
}

// ECMAScript Number::toString (ECMA-262 section 7.1.12.1), as RFC 8785 section 3.2.2.3 requires:
// the shortest digits that round-trip, laid out in fixed notation for exponents in [-6, 21).
void append_number(std::string& out, double value) {
  if (!std::isfinite(value)) throw not_canonicalizable("NaN and Infinity have no JSON representation");
  if (value == 0) {  // also -0
    out += '0';
    return;
  }
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
  std::string_view text(buffer, static_cast<std::size_t>(result.ptr - buffer));
  if (text.front() == '-') {
    out += '-';
    text.remove_prefix(1);
  }
  // text is "d[.ddd]e±XX": collect the significant digits and the decimal exponent.
  const std::size_t e = text.find('e');
  std::string digits;
  for (char c : text.substr(0, e)) {
    if (c != '.') digits += c;
  }
  int exponent = 0;
  std::string_view exponent_text = text.substr(e + 1);
  if (exponent_text.front() == '+') exponent_text.remove_prefix(1);
  std::from_chars(exponent_text.data(), exponent_text.data() + exponent_text.size(), exponent);

  const int k = static_cast<int>(digits.size());
  const int n = exponent + 1;  // position of the decimal point relative to the digits
  if (k <= n && n <= 21) {
    out += digits;
    out.append(static_cast<std::size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out.append(digits, 0, static_cast<std::size_t>(n));
    out += '.';
    out.append(digits, static_cast<std::size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-n), '0');
    out += digits;
  } else {
    out += digits[0];
    if (k > 1) {
      out += '.';
      out.append(digits, 1);
    }
    out += 'e';
    out += n - 1 < 0 ? '-' : '+';
    out += std::to_string(std::abs(n - 1));
  }
}

void append_value(std::string& out, const nlohmann::json& value, std::size_t depth) {
  if (depth > kCanonicalJsonMaxDepth) {
    throw not_canonicalizable("a value is nested more than " + std::to_string(kCanonicalJsonMaxDepth) + " levels deep");
  }
  switch (value.type()) {
    case nlohmann::json::value_t::null: out += "null"; break;
    case nlohmann::json::value_t::boolean: out += value.get<bool>() ? "true" : "false"; break;
    // JSON numbers are IEEE 754 doubles in JCS; integers are formatted through the same path so a
    // value beyond 2^53 canonicalizes exactly as a JavaScript verifier would see it.
    case nlohmann::json::value_t::number_integer: append_number(out, static_cast<double>(value.get<std::int64_t>())); break;
    case nlohmann::json::value_t::number_unsigned: append_number(out, static_cast<double>(value.get<std::uint64_t>())); break;
    case nlohmann::json::value_t::number_float: append_number(out, value.get<double>()); break;
    case nlohmann::json::value_t::string: append_string(out, value.get_ref<const std::string&>()); break;
    case nlohmann::json::value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& element : value) {
        if (!first) out += ',';
        first = false;
        append_value(out, element, depth + 1);
      }
      out += ']';
      break;
    }
    case nlohmann::json::value_t::object: {
      std::vector<std::pair<std::u16string, const nlohmann::json::object_t::value_type*>> members;
      members.reserve(value.size());
      for (const auto& member : value.get_ref<const nlohmann::json::object_t&>()) {
        members.emplace_back(utf16_units(member.first), &member);
      }
      std::sort(members.begin(), members.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      out += '{';
      bool first = true;
      for (const auto& [sort_key, member] : members) {
        if (!first) out += ',';
        first = false;
        append_string(out, member->first);
        out += ':';
        append_value(out, member->second, depth + 1);
      }
      out += '}';
      break;
    }
    case nlohmann::json::value_t::binary: throw not_canonicalizable("binary values have no JSON representation");
    case nlohmann::json::value_t::discarded: throw not_canonicalizable("a discarded value has no JSON representation");
  }
}

}  // namespace

std::string canonical_json(const nlohmann::json& value) {
  std::string out;
  append_value(out, value, 0);
  return out;
}

}  // namespace cryftee
