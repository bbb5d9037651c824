#include "util/json_string_member.h"

#include <nlohmann/json.hpp>

#include "util/json_scan.h"

namespace cryftee {

std::optional<std::string> json_string_member(std::string_view object, std::string_view name) {
  std::string_view written;
  std::size_t found = 0;
  const JsonScan scan = scan_json(object, [&](const JsonMember& member) {
    if (!json_name_is(member.name, name)) return;
    written = member.value;
    ++found;
  });
  if (scan != JsonScan::Object || found != 1 || written.size() < 2 || written.front() != '"') return std::nullopt;
  // Escapes are legal in any JSON string; the scan has checked them, so the slow path cannot fail.
  if (written.find('\\') != std::string_view::npos) return nlohmann::json::parse(written).get<std::string>();
  return std::string(written.substr(1, written.size() - 2));
}

}  // namespace cryftee
