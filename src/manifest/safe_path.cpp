#include "manifest/safe_path.h"

#include "manifest/limits.h"

namespace cryftee {

std::optional<std::string> unsafe_path_reason(std::string_view path) {
  if (path.empty()) return "is empty";
  if (path.size() > manifest_limits::kMaxPathLength) {
    return "is longer than " + std::to_string(manifest_limits::kMaxPathLength) + " bytes";
  }
  if (path.front() == '/') return "is absolute; it must be relative to the module directory";
  for (char c : path) {
    if (c == '\\') return "contains a backslash; use '/' between components";
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return "contains a control character";
  }
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t slash = path.find('/', start);
    const std::string_view component =
        path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (component.empty()) return "has an empty component ('//' or a trailing '/')";
    if (component == "..") return "contains '..'; it must stay inside the module directory";
    if (component == ".") return "contains a '.' component";
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return std::nullopt;
}

}  // namespace cryftee
