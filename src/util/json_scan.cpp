#include "util/json_scan.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <limits>

namespace cryftee {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

int hex_value(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class Scanner {
 public:
  Scanner(std::string_view text, const std::function<void(const JsonMember&)>& member)
      : at_(reinterpret_cast<const unsigned char*>(text.data())), end_(at_ + text.size()), member_(member) {}

  JsonScan run() {
    skip_space();
    const bool object = at_ < end_ && *at_ == '{';
    if (!value()) return too_deep_ ? JsonScan::TooDeep : JsonScan::Invalid;
    skip_space();
    if (at_ != end_) return JsonScan::Invalid;
    return object ? JsonScan::Object : JsonScan::NotObject;
  }

 private:
  // The containers open around the current position, one bit each (set: object), so nesting needs neither
  // recursion nor a stack on the heap.
  void open(bool object) {
    const std::uint64_t bit = std::uint64_t{1} << (depth_ % 64);
    kinds_[depth_ / 64] = object ? kinds_[depth_ / 64] | bit : kinds_[depth_ / 64] & ~bit;
    ++depth_;
  }
  bool in_object() const { return (kinds_[(depth_ - 1) / 64] >> ((depth_ - 1) % 64)) & 1; }

  // One whole value, with everything nested in it.
  bool value() {
    for (;;) {
      skip_space();
      if (at_ == end_) return false;
      if (*at_ == '{' || *at_ == '[') {
        if (depth_ == kJsonScanMaxDepth) return too_deep_ = true, false;
        const bool object = *at_ == '{';
        open(object);
        ++at_;
        skip_space();
        const bool empty = at_ < end_ && *at_ == (object ? '}' : ']');
        if (!empty) {
          if (object && !member_name()) return false;
          continue;  // to the first element or member value
        }
        ++at_;
        --depth_;
      } else if (!scalar()) {
        return false;
      }
      // A value ended: close the containers it ends, until one goes on or the outermost is done.
      for (;;) {
        if (depth_ == 1 && in_object()) report_member();
        if (depth_ == 0) return true;
        skip_space();
        if (at_ == end_) return false;
        const bool object = in_object();
        if (*at_ == ',') {
          ++at_;
          if (object && !member_name()) return false;
          break;  // to the next value
        }
        if (*at_ != (object ? '}' : ']')) return false;
        ++at_;
        --depth_;
      }
    }
  }

  // `"name" :` of an object member; leaves the position before its value.
  bool member_name() {
    skip_space();
    if (at_ == end_ || *at_ != '"') return false;
    const unsigned char* name = at_ + 1;
    if (!string()) return false;
    const std::string_view written = view(name, at_ - 1);
    skip_space();
    if (at_ == end_ || *at_ != ':') return false;
    ++at_;
    skip_space();
    if (depth_ == 1) {
      name_ = written;
      value_ = at_;
    }
    return true;
  }

  void report_member() {
    if (member_) member_(JsonMember{name_, view(value_, at_)});
  }

  bool scalar() {
    switch (*at_) {
      case '"': return string();
      case 't': return literal("true");
      case 'f': return literal("false");
      case 'n': return literal("null");
      default: return number();
    }
  }

  bool literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - at_) < word.size() || view(at_, at_ + word.size()) != word) return false;
    at_ += word.size();
    return true;
  }

  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, and finite as a double.
  bool number() {
    const unsigned char* first = at_;
    if (!number_syntax()) return false;
    return fits_a_double(view(first, at_));
  }

  bool number_syntax() {
    if (at_ < end_ && *at_ == '-') ++at_;
    if (at_ == end_ || !is_digit(*at_)) return false;
    if (*at_++ != '0') digits();
    if (at_ < end_ && *at_ == '.') {
      ++at_;
      if (!digits()) return false;
    }
    if (at_ < end_ && (*at_ == 'e' || *at_ == 'E')) {
      ++at_;
      if (at_ < end_ && (*at_ == '+' || *at_ == '-')) ++at_;
      if (!digits()) return false;
    }
    return true;
  }

  // The JSON parser (nlohmann) refuses a number that overflows a double (1e999) and takes one that underflows
  // for 0, and so does this check: the decimal magnitude settles all but the numbers near the largest double.
  static bool fits_a_double(std::string_view number) {
    std::size_t at = number[0] == '-' ? 1 : 0;
    std::int64_t magnitude = 0;  // the value lies in [10^(magnitude-1), 10^magnitude)
    bool nonzero = false;
    for (; at < number.size() && is_digit(number[at]); ++at) {
      if (nonzero || number[at] != '0') nonzero = true, ++magnitude;
    }
    if (at < number.size() && number[at] == '.') {
      for (++at; at < number.size() && is_digit(number[at]); ++at) {
        if (!nonzero && number[at] != '0') nonzero = true;
        else if (!nonzero) --magnitude;
      }
    }
    if (!nonzero) return true;  // zero, whatever its exponent
    std::int64_t exponent = 0;
    if (at < number.size()) {  // e or E
      const bool negative = number[++at] == '-';
      if (number[at] == '+' || number[at] == '-') ++at;
      for (; at < number.size(); ++at) exponent = std::min<std::int64_t>(exponent * 10 + (number[at] - '0'), kExponentCap);
      if (negative) exponent = -exponent;
    }
    magnitude += exponent;
    if (magnitude <= std::numeric_limits<double>::max_exponent10) return true;
    if (magnitude > std::numeric_limits<double>::max_exponent10 + 1) return false;
    double value;
    return std::from_chars(number.data(), number.data() + number.size(), value).ec == std::errc{};
  }
  static constexpr std::int64_t kExponentCap = 1'000'000'000;

  bool digits() {
    const unsigned char* first = at_;
    while (at_ < end_ && is_digit(*at_)) ++at_;
    return at_ != first;
  }

  // From the opening quote to just past the closing one.
  bool string() {
    ++at_;
    while (at_ < end_) {
      const unsigned char c = *at_;
      if (c == '"') {
        ++at_;
        return true;
      }
      if (c == '\\') {
        if (!escape()) return false;
      } else if (c < 0x20) {
        return false;
      } else if (c < 0x80) {
        ++at_;
      } else if (!utf8_sequence()) {
        return false;
      }
    }
    return false;
  }

  // \" \\ \/ \b \f \n \r \t, or \uXXXX with a high surrogate followed by a low one.
  bool escape() {
    ++at_;
    if (at_ == end_) return false;
    const unsigned char c = *at_++;
    if (c != 'u') return c == '"' || c == '\\' || c == '/' || c == 'b' || c == 'f' || c == 'n' || c == 'r' || c == 't';
    const int unit = hex_unit();
    if (unit >= 0xDC00 && unit <= 0xDFFF) return false;
    if (unit < 0xD800 || unit > 0xDBFF) return unit >= 0;
    if (end_ - at_ < 2 || at_[0] != '\\' || at_[1] != 'u') return false;
    at_ += 2;
    const int low = hex_unit();
    return low >= 0xDC00 && low <= 0xDFFF;
  }

  int hex_unit() {
    if (end_ - at_ < 4) return -1;
    int unit = 0;
    for (int i = 0; i < 4; ++i) {
      const int digit = hex_value(*at_++);
      if (digit < 0) return -1;
      unit = unit * 16 + digit;
    }
    return unit;
  }

  // One multi-byte UTF-8 character (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
  bool utf8_sequence() {
    const unsigned char lead = *at_;
    int continuation;
    unsigned char low = 0x80, high = 0xBF;  // the range of the first continuation byte
    if (lead >= 0xC2 && lead <= 0xDF) {
      continuation = 1;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      continuation = 2;
      if (lead == 0xE0) low = 0xA0;
      if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      continuation = 3;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;
    } else {
      return false;
    }
    if (end_ - at_ <= continuation) return false;
    ++at_;
    for (int i = 0; i < continuation; ++i, ++at_) {
      if (*at_ < low || *at_ > high) return false;
      low = 0x80;
      high = 0xBF;
    }
    return true;
  }

  void skip_space() {
    while (at_ < end_ && (*at_ == ' ' || *at_ == '\n' || *at_ == '\r' || *at_ == '\t')) ++at_;
  }

  std::string_view view(const unsigned char* from, const unsigned char* to) const {
    return {reinterpret_cast<const char*>(from), static_cast<std::size_t>(to - from)};
  }

  const unsigned char* at_;
  const unsigned char* end_;
  const std::function<void(const JsonMember&)>& member_;
  std::array<std::uint64_t, kJsonScanMaxDepth / 64> kinds_{};
  std::size_t depth_ = 0;
  bool too_deep_ = false;
  std::string_view name_;
  const unsigned char* value_ = nullptr;
};

}  // namespace

JsonScan scan_json(std::string_view text, const std::function<void(const JsonMember&)>& member) {
  return Scanner(text, member).run();
}

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out.append("\\u00").append(1, kHex[(c >> 4) & 0xf]).append(1, kHex[c & 0xf]);
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

void append_json_member(std::string& object, std::string_view name, std::string_view value) {
  const std::size_t close = object.rfind('}');  // an object's text ends with '}' and at most white space
  const std::size_t last = object.find_last_not_of(" \t\r\n", close - 1);
  object.resize(close);
  if (object[last] != '{') object += ',';
  append_json_string(object, name);
  object += ':';
  object.append(value);
  object += '}';
}

bool json_name_is(std::string_view written, std::string_view plain) {
  std::size_t at = 0;
  for (const char expected : plain) {
    if (at == written.size()) return false;
    char c = written[at++];
    if (c == '\\') {
      if (at == written.size()) return false;
      const char escaped = written[at++];
      if (escaped == 'u') {
        if (written.size() - at < 4) return false;
        int unit = 0;
        for (int i = 0; i < 4; ++i) {
          const int digit = hex_value(static_cast<unsigned char>(written[at++]));
          if (digit < 0) return false;
          unit = unit * 16 + digit;
        }
        if (unit > 0x7F) return false;  // the names asked about are ASCII
        c = static_cast<char>(unit);
      } else {
        switch (escaped) {
          case 'b': c = '\b'; break;
          case 'f': c = '\f'; break;
          case 'n': c = '\n'; break;
          case 'r': c = '\r'; break;
          case 't': c = '\t'; break;
          default: c = escaped;  // " \ /
        }
      }
    }
    if (c != expected) return false;
  }
  return at == written.size();
}

}  // namespace cryftee
