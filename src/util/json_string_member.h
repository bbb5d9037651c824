#pragma once
// One string member read out of a JSON object's text without building a tree (util/json_scan.h): what a
// caller needs from a module's answer when it only takes one field (the gRPC signer's signature).
#include <optional>
#include <string>
#include <string_view>

namespace cryftee {

// The value of the member `name` of `object`, unescaped: nullopt when `object` is not one JSON object, has
// no member `name` or more than one, or its value is not a string.
std::optional<std::string> json_string_member(std::string_view object, std::string_view name);

}  // namespace cryftee
