#pragma once
// Routes for modules' own web pages, shown by the kiosk in a sandboxed iframe:
//   GET /v1/kiosk/module-guis         which modules ship a page and whether its signed files verify
//   GET /modules/<id>/gui/<path>      one verified file, with a CSP that sandboxes it (opaque origin,
//                                     scripts only from 'self', no network access)
// Both are read-only views, served on every listener.
#include "api/router.h"
#include "runtime/registry.h"

namespace cryftee::api {

inline constexpr const char* kModuleGuiListPath = "/v1/kiosk/module-guis";
inline constexpr const char* kModuleGuiPrefix = "/modules/";
// What a module page may do: run its own scripts and styles, nothing else. `sandbox allow-scripts`
// gives it an opaque origin even when opened directly, so it can never act as the kiosk.
inline constexpr const char* kModuleGuiCsp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'none'; frame-src 'none'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'; "
    "sandbox allow-scripts";

// `registry` is owned by the daemon and outlives the router.
void add_module_gui_routes(Router& router, const runtime::RegistryHolder& registry);

}  // namespace cryftee::api
