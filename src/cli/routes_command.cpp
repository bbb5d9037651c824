// `cryftee routes [--json]`: prints the routing table the daemon serves (method, path, access), built by
// the same code as the daemon's own (api/daemon_routes.h). Nothing is started and no handler runs.
#include <iomanip>
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "api/cryftgo_tracker.h"
#include "api/daemon_routes.h"
#include "attest/attestor.h"
#include "cli/commands.h"
#include "config/config.h"
#include "custody/custody.h"
#include "key_store/none_sealer.h"
#include "util/log.h"

namespace cryftee::cli {

int run_routes_command(int argc, char** argv) {
  CLI::App app{"Print every route the daemon serves: method, path and who may call it.", "cryftee routes"};
  bool as_json = false;
  app.add_flag("--json", as_json, "Print a JSON array of {method, path, prefix, access}");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error);
  }

  // The routes only keep references to these; no request is ever handled.
  log::configure(log::Level::Error, LogFormat::Text);
  const Config config;
  runtime::RegistryHolder registry;
  Attestor attestor(config, "");
  CryftgoTracker cryftgo;
  Custody custody(CustodySetup{.sealer = key_store::make_none_sealer()});
  api::ApiContext context{config, registry, {}, attestor, cryftgo, {}, custody};
  const api::StaticFiles kiosk_files(config.ui_dir);
  api::Router router(api::AccessPolicy{});
  api::add_daemon_routes(router, context, kiosk_files);

  nlohmann::json table = nlohmann::json::array();
  for (const api::RouteInfo& route : router.routes()) {
    if (as_json) {
      table.push_back({{"method", route.method}, {"path", route.path}, {"prefix", route.prefix},
                       {"access", api::access_name(route.access)}});
    } else {
      std::cout << std::left << std::setw(7) << route.method << " " << std::setw(34)
                << (route.prefix ? route.path + "*" : route.path) << " " << api::access_name(route.access) << "\n";
    }
  }
  if (as_json) std::cout << table.dump(2) << "\n";
  return 0;
}

}  // namespace cryftee::cli
