#pragma once
// Checks JSON text without building a tree or allocating: one pass over the bytes that accepts exactly
// what RFC 8259 allows (UTF-8 checked, surrogate escapes paired, nothing after the value) and reports the
// members of the top-level object as the text wrote them. For the hot path, where a tree would be built
// only to be written out again (a module's answer); anything that needs the values parses them itself.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace cryftee {

// Arrays and objects nested deeper than this are refused.
inline constexpr std::size_t kJsonScanMaxDepth = 256;

enum class JsonScan {
  Object,    // one JSON object, nothing else but white space around it
  NotObject, // valid JSON, but its value is not an object
  Invalid,   // not JSON text: bad syntax, invalid UTF-8, a NUL byte, a byte-order mark
  TooDeep,   // valid so far, but nested deeper than kJsonScanMaxDepth
};

// One top-level member as written: `name` without its quotes (escapes kept), `value` the value's text.
struct JsonMember {
  std::string_view name;
  std::string_view value;
};

// Scans `text`; when it is an object, `member` (if given) sees each top-level member in order, as it is
// passed (so a text found Invalid later may have shown some members first).
JsonScan scan_json(std::string_view text, const std::function<void(const JsonMember&)>& member = {});

// Appends `text` (valid UTF-8) to `out` as a JSON string in the form RFC 8785 fixes: only '"', '\' and
// control characters escaped, with the short forms where JSON has them and lower-case \u00xx otherwise.
void append_json_string(std::string& out, std::string_view text);

// Adds the member `name`: `value` (JSON text) to `object`, the text of a JSON object that scan_json found
// to be one, before its closing brace.
void append_json_member(std::string& object, std::string_view name, std::string_view value);

// Whether a member name as written (escapes kept, e.g. "\u0065rror") reads `plain` once unescaped.
bool json_name_is(std::string_view written, std::string_view plain);

}  // namespace cryftee
