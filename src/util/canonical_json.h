#pragma once
// RFC 8785 JSON Canonicalization Scheme (JCS): the exact bytes that publisher and attestation signatures
// cover. Object members sorted by UTF-16 code units, no insignificant white space, ECMAScript number
// formatting, minimal string escaping.
#include <string>

#include <nlohmann/json.hpp>

namespace cryftee {

// Throws cryftee::Error (400 "not_canonicalizable") for values JCS cannot represent (NaN, infinities).
std::string canonical_json(const nlohmann::json& value);

}  // namespace cryftee
