#pragma once
#include <nlohmann/json.hpp>

#include "api/message.h"

namespace cryftee::api {

// The request body parsed as a JSON object. Throws cryftee::Error (400 "bad_json") when the body is
// empty, is not JSON, or is JSON but not an object.
nlohmann::json json_object_body(const Request& request);

}  // namespace cryftee::api
