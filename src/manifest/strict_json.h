#pragma once
// JSON documents the trust layer reads (manifest.json, module.json) are parsed strictly: a key that
// appears twice in one object is refused, because a signer and a verifier that resolved it differently
// would not be looking at the same entry; nesting is bounded so no input can exhaust the stack.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace cryftee {

// Throws cryftee::Error (400, `error_code`) whose message starts with `what` (e.g. "manifest.json")
// and says what is wrong: not JSON (with the byte offset), a duplicate key, or too deep.
nlohmann::json parse_strict_json(std::string_view text, const std::string& what, const std::string& error_code);

}  // namespace cryftee
