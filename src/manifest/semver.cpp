#include "manifest/semver.h"

#include <algorithm>
#include <charconv>

namespace cryftee {
namespace {

bool is_digits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool is_identifier(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::optional<std::uint64_t> parse_numeric(std::string_view text) {
  if (!is_digits(text) || (text.size() > 1 && text[0] == '0')) return std::nullopt;
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t at = text.find(separator, start);
    parts.push_back(text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return parts;
    start = at + 1;
  }
}

std::strong_ordering compare_identifier(const std::string& a, const std::string& b) {
  const bool a_numeric = is_digits(a);
  const bool b_numeric = is_digits(b);
  if (a_numeric && b_numeric) {
    // Valid numeric identifiers have no leading zeros, so the longer one is the larger number.
    if (a.size() != b.size()) return a.size() <=> b.size();
    return a.compare(b) <=> 0;
  }
  if (a_numeric != b_numeric) return a_numeric ? std::strong_ordering::less : std::strong_ordering::greater;
  return a.compare(b) <=> 0;
}

}  // namespace

std::string SemVer::to_string() const {
  std::string out = std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
  for (std::size_t i = 0; i < prerelease.size(); ++i) out += (i == 0 ? "-" : ".") + prerelease[i];
  if (!build.empty()) out += "+" + build;
  return out;
}

std::optional<SemVer> parse_semver(std::string_view text) {
  SemVer version;
  if (const std::size_t plus = text.find('+'); plus != std::string_view::npos) {
    const std::string_view build = text.substr(plus + 1);
    for (std::string_view identifier : split(build, '.')) {
      if (!is_identifier(identifier)) return std::nullopt;
    }
    version.build = std::string(build);
    text = text.substr(0, plus);
  }
  if (const std::size_t dash = text.find('-'); dash != std::string_view::npos) {
    for (std::string_view identifier : split(text.substr(dash + 1), '.')) {
      if (!is_identifier(identifier)) return std::nullopt;
      if (is_digits(identifier) && identifier.size() > 1 && identifier[0] == '0') return std::nullopt;
      version.prerelease.emplace_back(identifier);
    }
    text = text.substr(0, dash);
  }
  const std::vector<std::string_view> core = split(text, '.');
  if (core.size() != 3) return std::nullopt;
  const auto major = parse_numeric(core[0]);
  const auto minor = parse_numeric(core[1]);
  const auto patch = parse_numeric(core[2]);
  if (!major || !minor || !patch) return std::nullopt;
  version.major = *major;
  version.minor = *minor;
  version.patch = *patch;
  return version;
}

std::strong_ordering compare_semver(const SemVer& a, const SemVer& b) {
  if (auto c = a.major <=> b.major; c != 0) return c;
  if (auto c = a.minor <=> b.minor; c != 0) return c;
  if (auto c = a.patch <=> b.patch; c != 0) return c;
  if (a.prerelease.empty() || b.prerelease.empty()) {
    // A release ranks above any of its pre-releases.
    return a.prerelease.empty() <=> b.prerelease.empty();
  }
  const std::size_t common = std::min(a.prerelease.size(), b.prerelease.size());
  for (std::size_t i = 0; i < common; ++i) {
    if (auto c = compare_identifier(a.prerelease[i], b.prerelease[i]); c != 0) return c;
  }
  return a.prerelease.size() <=> b.prerelease.size();
}

}  // namespace cryftee
