#include "http/module_gui_routes.h"

#include <string_view>

#include "http/module_gui_files.h"
#include "util/error.h"

namespace cryftee::http {
namespace {

std::string content_type_for(const std::string& path) {
  static const std::pair<std::string_view, const char*> kTypes[] = {
      {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},   {".json", "application/json"},
      {".svg", "image/svg+xml"},             {".png", "image/png"},
      {".jpg", "image/jpeg"},                {".webp", "image/webp"},
      {".txt", "text/plain; charset=utf-8"}, {".woff2", "font/woff2"},
  };
  for (const auto& [extension, type] : kTypes) {
    if (path.ends_with(extension)) return type;
  }
  return "application/octet-stream";
}

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
  GuiTarget target{std::string(rest.substr(0, slash)), std::string(rest.substr(slash + kGuiSegment.size()))};
  if (!target.path.empty() && !safe_gui_path(target.path)) {
    throw not_found("'" + target.path + "' is not a file of a module page", "gui_file_not_listed");
  }
  return target;
}

const ModuleRecord& find_module(const Registry& registry, const std::string& id) {
  for (const ModuleRecord& record : registry.modules) {
    if (record.entry.id == id) return record;
  }
  throw not_found("no module '" + id + "' in the manifest", "module_not_found");
}

Response serve_file(const Config& config, const RegistryHolder& holder, const Request& request) {
  const GuiTarget target = parse_target(request.path);
  const auto registry = holder.current();
  const ModuleRecord& record = find_module(*registry, target.module_id);
  const std::optional<ModuleGui> gui = module_gui(record.entry);
  if (!gui) throw not_found("module '" + target.module_id + "' ships no web page", "module_has_no_gui");
  const std::string& path = target.path.empty() ? gui->entry : target.path;
  Response response{200, content_type_for(path), read_verified_gui_file(config, record, *gui, path), {}};
  response.headers = {
      {"Content-Security-Policy", kModuleGuiCsp},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      {"Cache-Control", "no-store"},
  };
  return response;
}

nlohmann::json describe(const Config& config, const ModuleRecord& record) {
  nlohmann::json item = {{"id", record.entry.id}};
  try {
    const std::optional<ModuleGui> gui = module_gui(record.entry);
    if (!gui) return nullptr;
    const std::optional<std::string> problem = gui_problem(config, record, *gui);
    item["entry"] = gui->entry;
    item["files"] = gui->files.size();
    item["verified"] = !problem;
    item["reason"] = problem.value_or("");
  } catch (const Error& error) {
    item["entry"] = "";
    item["files"] = 0;
    item["verified"] = false;
    item["reason"] = error.what();
  }
  return item;
}

Response list_guis(const Config& config, const RegistryHolder& holder) {
  const auto registry = holder.current();
  nlohmann::json modules = nlohmann::json::array();
  for (const ModuleRecord& record : registry->modules) {
    nlohmann::json item = describe(config, record);
    if (!item.is_null()) modules.push_back(std::move(item));
  }
  return Response::json({{"epoch", registry->epoch}, {"modules", std::move(modules)}});
}

}  // namespace

void add_module_gui_routes(Router& router, const Config& config, const RegistryHolder& registry) {
  router.add("GET", kModuleGuiListPath, Access::ReadOnly,
             [&config, &registry](const Request&) { return list_guis(config, registry); });
  router.add_prefix(kModuleGuiPrefix, Access::ReadOnly,
                    [&config, &registry](const Request& request) { return serve_file(config, registry, request); });
}

}  // namespace cryftee::http
