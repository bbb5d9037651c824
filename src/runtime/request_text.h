#pragma once
// A module request the caller already holds as text: one JSON object, checked (util/json_scan.h), with no
// top-level "hostContext". The dispatcher sends it to the module as written, with the host's context
// appended, so no JSON tree is built for it (dispatch.h).
#include <string>

namespace cryftee::runtime {

struct RequestText {
  std::string object;
};

}  // namespace cryftee::runtime
