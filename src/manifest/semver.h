#pragma once
// Semantic Versioning 2.0.0: MAJOR.MINOR.PATCH with an optional pre-release and build metadata,
// compared by the specification's precedence rules (build metadata does not count).
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cryftee {

struct SemVer {
  std::uint64_t major = 0;
  std::uint64_t minor = 0;
  std::uint64_t patch = 0;
  std::vector<std::string> prerelease;  // dot-separated identifiers; empty for a release
  std::string build;                    // after '+', kept for display only

  std::string to_string() const;
};

// nullopt for anything that is not a valid semver 2.0.0 string (leading zeros, empty identifiers,
// missing parts, a leading "v", characters outside [0-9A-Za-z-]).
std::optional<SemVer> parse_semver(std::string_view text);

// Precedence per semver 2.0.0 section 11: a pre-release sorts before its release; identifiers compare
// numerically when both are numeric, numeric before alphanumeric, otherwise in ASCII order; a longer
// list of identifiers wins when all before it are equal.
std::strong_ordering compare_semver(const SemVer& a, const SemVer& b);

}  // namespace cryftee
