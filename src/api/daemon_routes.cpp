#include "api/daemon_routes.h"

#include "api/api_routes.h"
#include "api/module_gui_routes.h"

namespace cryftee::api {

void add_daemon_routes(Router& router, ApiContext& context, const StaticFiles& kiosk_files) {
  add_api_routes(router, context);
  add_module_gui_routes(router, context.registry);
  router.add_prefix("/", Access::ReadOnly, [&kiosk_files](const Request& request) { return kiosk_files.serve(request); });
}

}  // namespace cryftee::api
