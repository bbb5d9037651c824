#pragma once
// Every /v1 route. The daemon calls add_api_routes once; each group of routes lives in its own file and
// registers itself through one of the functions below.
#include "api/api_context.h"
#include "api/router.h"

namespace cryftee::api {

void add_api_routes(Router& router, ApiContext& context);

void add_status_routes(Router& router, ApiContext& context);       // status_routes.cpp
void add_schema_routes(Router& router, ApiContext& context);       // schema_routes.cpp
void add_runtime_routes(Router& router, ApiContext& context);      // runtime_routes.cpp
void add_attestation_routes(Router& router, ApiContext& context);  // attestation_routes.cpp
void add_admin_routes(Router& router, ApiContext& context);        // admin_routes.cpp
void add_staking_routes(Router& router, ApiContext& context);      // staking_routes.cpp
void add_web3signer_routes(Router& router, ApiContext& context);   // web3signer_routes.cpp
void add_key_store_routes(Router& router, ApiContext& context);    // key_store_routes.cpp
void add_metrics_routes(Router& router, ApiContext& context);      // metrics_routes.cpp

}  // namespace cryftee::api
