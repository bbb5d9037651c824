#pragma once
#include <chrono>
#include <string>

namespace cryftee {

// "2026-11-25T03:04:05.123Z": RFC 3339 in UTC with milliseconds, the form every timestamp here takes.
std::string rfc3339_utc(std::chrono::system_clock::time_point when);

}  // namespace cryftee
