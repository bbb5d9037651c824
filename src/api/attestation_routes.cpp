#include "attest/attestor.h"
#include "api/api_routes.h"
#include "api/json_response.h"

namespace cryftee::api {

void add_attestation_routes(Router& router, ApiContext& context) {
  router.add("GET", "/v1/runtime/attestation", Access::ReadOnly, [&context](const Request& request) {
    std::optional<std::string> nonce;
    if (const auto it = request.query.find("nonce"); it != request.query.end()) nonce = it->second;
    const std::shared_ptr<const runtime::Registry> registry = context.registry.current();
    return json_response(context.attestor.attest(*registry, nonce));
  });
}

}  // namespace cryftee::api
