#pragma once
// The domain separation tag of a BLS sign request, settled before the module sees the request. cryftgo
// names it with `type` ("sig" | "pop"), the seed API with `dst` (the same short names, or the full DST
// text); both may be present but must agree. The module then reads one normalised `dst`.
#include <cstddef>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "runtime/request_text.h"

namespace cryftee::api {

// A plainly written request (cryftgo's, and the usual case) goes to the module without a JSON tree: its
// members as the client wrote them, but `type` and `dst`, then the settled "dst" ("sig" when neither was
// given). Nothing when the body needs the tree: not one JSON object, a member name given twice or written
// with an escape (the module reads names as written and takes the first of two), `hostContext` present, a
// `type` or `dst` that is not null or an accepted text written without escapes, the two disagreeing, or
// more than kMaxPlainSignMembers other members. Such a body is parsed and settled by settle_bls_sign_dst
// instead, which answers what is wrong with it.
inline constexpr std::size_t kMaxPlainSignMembers = 8;
std::optional<runtime::RequestText> plain_bls_sign_request(std::string_view body);

// Sets body["dst"] to "sig" or "pop" (default "sig") and removes `type`. Throws cryftee::Error 400 when
// `type` or `dst` is not a string, names no accepted value, or the two disagree. The module's own signing
// policy (which messages may be signed under the PoP DST) is checked later, inside the module.
void settle_bls_sign_dst(nlohmann::json& body);

}  // namespace cryftee::api
