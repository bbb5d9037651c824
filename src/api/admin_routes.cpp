#include "api/api_routes.h"
#include "util/error.h"
#include "util/log.h"
#include "api/json_response.h"

namespace cryftee::api {
namespace {

using nlohmann::json;

Response reload_modules(ApiContext& context) {
  if (!context.reload) throw unavailable("this daemon was started without a way to reload modules", "reload_unavailable");
  const std::uint64_t serving_epoch = context.registry.current()->epoch;
  std::shared_ptr<const runtime::Registry> registry;
  try {
    registry = context.reload();
  } catch (const Error& error) {
    log::warn("reload_failed", {{"code", error.code()}, {"message", error.what()}, {"serving_epoch", serving_epoch}});
    throw Error(error.status(), error.code(),
                std::string("reload failed and the modules of epoch ") + std::to_string(serving_epoch) +
                    " keep serving: " + error.what());
  }
  json modules = json::array();
  std::size_t loaded = 0;
  for (const runtime::ModuleRecord& record : registry->modules) {
    if (record.status.loaded) ++loaded;
    modules.push_back({
        {"id", record.entry.id},
        {"version", record.entry.version},
        {"loaded", record.status.loaded},
        {"reason", record.status.reason.empty() ? json(nullptr) : json(record.status.reason)},
    });
  }
  log::info("reloaded", {{"epoch", registry->epoch}, {"modules", registry->modules.size()}, {"loaded", loaded}});
  return json_response({
      {"reloaded", true},
      {"epoch", registry->epoch},
      {"manifestHash", registry->manifest_hash},
      {"loadedCount", loaded},
      {"modules", std::move(modules)},
      {"defaults", registry->defaults},
      {"problems", registry->problems},
  });
}

}  // namespace

void add_admin_routes(Router& router, ApiContext& context) {
  router.add("POST", "/v1/admin/reload-modules", Access::Admin, [&context](const Request&) { return reload_modules(context); });
}

}  // namespace cryftee::api
