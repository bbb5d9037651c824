#include "api/api_routes.h"

namespace cryftee::api {

void add_api_routes(Router& router, ApiContext& context) {
  add_status_routes(router, context);
  add_schema_routes(router, context);
  add_runtime_routes(router, context);
  add_attestation_routes(router, context);
  add_admin_routes(router, context);
  add_staking_routes(router, context);
  add_web3signer_routes(router, context);
  add_key_store_routes(router, context);
  add_metrics_routes(router, context);
}

}  // namespace cryftee::api
