#include "attest/attestor.h"
#include "http/api_routes.h"

namespace cryftee::http {

void add_attestation_routes(Router& router, ApiContext& context) {
  router.add("GET", "/v1/runtime/attestation", Access::ReadOnly, [&context](const Request& request) {
    std::optional<std::string> nonce;
    if (const auto it = request.query.find("nonce"); it != request.query.end()) nonce = it->second;
    const std::shared_ptr<const Registry> registry = context.registry.current();
    return Response::json(context.attestor.attest(*registry, nonce));
  });
}

}  // namespace cryftee::http
