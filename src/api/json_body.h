#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "api/message.h"

namespace cryftee::api {

// The request body parsed as a JSON object. Throws cryftee::Error (400 "bad_json") when the body is
// empty, is not JSON, or is JSON but not an object.
nlohmann::json json_object_body(const Request& request);

// The string member `name` of a JSON object body, "" when it is absent. Throws cryftee::Error (400
// "invalid_field", naming the member) when it is there but not a string.
std::string optional_string_member(const nlohmann::json& body, const char* name);

}  // namespace cryftee::api
