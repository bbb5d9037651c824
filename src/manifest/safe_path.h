#pragma once
// Paths that come from signed but untrusted-until-verified documents (an entry's dir and file, gui file
// names) must stay inside the module directory.
#include <optional>
#include <string>
#include <string_view>

namespace cryftee {

// nullopt when `path` is a plain relative path: non-empty, '/'-separated, no empty, "." or ".."
// component, not absolute, no backslash, NUL or other control character, at most
// manifest_limits::kMaxPathLength bytes. Otherwise a sentence saying what is wrong with it.
std::optional<std::string> unsafe_path_reason(std::string_view path);

}  // namespace cryftee
