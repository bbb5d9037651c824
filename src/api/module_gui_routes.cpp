#include "api/module_gui_routes.h"

#include <string_view>

#include "api/json_response.h"
#include "api/module_gui_files.h"
#include "api/static_files.h"
#include "util/error.h"

namespace cryftee::api {
namespace {

struct GuiTarget {
  std::string module_id;
  std::string path;  // empty: the entry page
};

// "/modules/<id>/gui/<path>" -> {id, path}; anything else is not a module page.
GuiTarget parse_target(const std::string& request_path) {
  const std::string_view rest = std::string_view(request_path).substr(std::string_view(kModuleGuiPrefix).size());
  const std::size_t slash = rest.find('/');
  constexpr std::string_view kGuiSegment = "/gui/";
  if (slash == std::string_view::npos || slash == 0 || rest.substr(slash, kGuiSegment.size()) != kGuiSegment) {
    throw not_found("module pages live at /modules/<module id>/gui/<file>", "route_not_found");
  }
  return GuiTarget{std::string(rest.substr(0, slash)), std::string(rest.substr(slash + kGuiSegment.size()))};
}

const runtime::ModuleRecord& find_module(const runtime::Registry& registry, const std::string& id) {
  const runtime::ModuleRecord* record = registry.find(id);
  if (!record) throw not_found("no module '" + id + "' in the manifest", "module_not_found");
  return *record;
}

Response serve_file(const runtime::RegistryHolder& holder, const Request& request) {
  const GuiTarget target = parse_target(request.path);
  const auto registry = holder.current();
  const runtime::ModuleRecord& record = find_module(*registry, target.module_id);
  const std::string path = target.path.empty() && record.entry.gui ? record.entry.gui->entry : target.path;
  Response response{200, content_type_for(path), read_verified_gui_file(record, path), {}};
  response.headers = {
      {"Content-Security-Policy", kModuleGuiCsp},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      {"Cache-Control", "no-store"},
  };
  return response;
}

Response list_guis(const runtime::RegistryHolder& holder) {
  const auto registry = holder.current();
  nlohmann::json modules = nlohmann::json::array();
  for (const runtime::ModuleRecord& record : registry->modules) {
    if (!record.entry.gui) continue;
    modules.push_back({
        {"id", record.entry.id},
        {"entry", record.entry.gui->entry},
        {"files", record.entry.gui->files.size()},
        {"verified", record.gui_verified},
        {"reason", record.gui_reason.empty() ? nlohmann::json(nullptr) : nlohmann::json(record.gui_reason)},
    });
  }
  return json_response({{"epoch", registry->epoch}, {"modules", std::move(modules)}});
}

}  // namespace

void add_module_gui_routes(Router& router, const runtime::RegistryHolder& registry) {
  router.add("GET", kModuleGuiListPath, Access::ReadOnly, [&registry](const Request&) { return list_guis(registry); });
  router.add_prefix(kModuleGuiPrefix, Access::ReadOnly,
                    [&registry](const Request& request) { return serve_file(registry, request); });
}

}  // namespace cryftee::api
