#pragma once
// Every route the daemon serves, in one call: the /v1 API, the modules' pages and the kiosk's files. The
// daemon and `cryftee routes` both use it, so the printed table is the one that serves requests.
#include "api/api_context.h"
#include "api/router.h"
#include "api/static_files.h"

namespace cryftee::api {

// `context` and `kiosk_files` are owned by the caller and outlive the router.
void add_daemon_routes(Router& router, ApiContext& context, const StaticFiles& kiosk_files);

}  // namespace cryftee::api
