#pragma once
// Reading one file of a module's web page (<module dir>/<dir>/gui/<path>) to serve it. The registry
// builder decided at load time whether the gui/ folder matches the signed entry (ModuleRecord::
// gui_verified); this checks the bytes again as they are served, so a file changed after the load is
// refused rather than served under the publisher's name.
#include <string>

#include "runtime/registry.h"

namespace cryftee::api {

// Throws cryftee::Error: 404 "module_has_no_gui"; 403 "gui_not_verified" (with the registry's reason);
// 404 "gui_file_not_listed" for a path the signed entry does not list; 404 "gui_file_missing"; 413
// "gui_file_too_large"; 403 "gui_file_tampered" when the bytes no longer match the signed hash.
std::string read_verified_gui_file(const runtime::ModuleRecord& record, const std::string& path);

}  // namespace cryftee::api
