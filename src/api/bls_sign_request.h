#pragma once
// The domain separation tag of a BLS sign request, settled before the module sees the request. cryftgo
// names it with `type` ("sig" | "pop"), the seed API with `dst` (the same short names, or the full DST
// text); both may be present but must agree. The module then reads one normalised `dst`.
#include <nlohmann/json.hpp>

namespace cryftee::api {

// Sets body["dst"] to "sig" or "pop" (default "sig") and removes `type`. Throws cryftee::Error 400 when
// `type` or `dst` is not a string, names no accepted value, or the two disagree. The module's own signing
// policy (which messages may be signed under the PoP DST) is checked later, inside the module.
void settle_bls_sign_dst(nlohmann::json& body);

}  // namespace cryftee::api
