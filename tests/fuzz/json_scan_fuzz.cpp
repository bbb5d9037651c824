// Holds the allocation-free JSON check (util/json_scan.h) to the JSON parser the rest of the daemon uses:
// for any bytes, both must agree on whether they are JSON and whether that JSON is an object, and the
// members the check reports must be, in order, the parser's members. The check is stricter in three stated
// ways only: it refuses a byte-order mark, any NUL byte and nesting deeper than kJsonScanMaxDepth.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/json_scan.h"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using cryftee::JsonScan;
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<cryftee::JsonMember> members;
  const JsonScan scan = cryftee::scan_json(text, [&members](const cryftee::JsonMember& member) { members.push_back(member); });

  if (text.find('\0') != std::string::npos || text.starts_with("\xef\xbb\xbf")) {
    require(scan == JsonScan::Invalid || scan == JsonScan::TooDeep);
    return 0;
  }
  const nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (scan == JsonScan::TooDeep) return 0;  // the parser has no depth limit
  require((scan == JsonScan::Invalid) == parsed.is_discarded());
  if (scan == JsonScan::Invalid) return 0;
  require((scan == JsonScan::Object) == parsed.is_object());
  if (scan != JsonScan::Object) return 0;

  // Each reported member, parsed on its own, is the parser's value under its (unescaped) name; a name
  // given twice keeps its last value in the parser's tree.
  nlohmann::json rebuilt = nlohmann::json::object();
  for (const cryftee::JsonMember& member : members) {
    const nlohmann::json name = nlohmann::json::parse("\"" + std::string(member.name) + "\"");
    const std::string plain = name.get<std::string>();
    const bool ascii = std::all_of(plain.begin(), plain.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    require(!ascii || cryftee::json_name_is(member.name, plain));
    rebuilt[plain] = nlohmann::json::parse(member.value);
  }
  require(rebuilt == parsed);
  return 0;
}
