#pragma once
// RFC 8785 JSON Canonicalization Scheme (JCS): the exact bytes that publisher and attestation signatures
// cover. Object members sorted by UTF-16 code units, no insignificant white space, ECMAScript number
// formatting, minimal string escaping.
#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

namespace cryftee {

// Arrays and objects nested deeper than this are refused rather than risking the stack.
inline constexpr std::size_t kCanonicalJsonMaxDepth = 256;

// Throws cryftee::Error (400 "not_canonicalizable") for values JCS cannot represent (NaN, infinities,
// invalid UTF-8, binary values) or nested deeper than kCanonicalJsonMaxDepth.
std::string canonical_json(const nlohmann::json& value);

}  // namespace cryftee
