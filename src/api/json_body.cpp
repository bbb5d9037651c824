#include "api/json_body.h"

#include "util/error.h"

namespace cryftee::api {

nlohmann::json json_object_body(const Request& request) {
  if (request.body.empty()) throw bad_request("the request body is empty; send a JSON object", "bad_json");
  // The parser stops at a NUL byte as at the end of the text; JSON has none, so what follows it is not ignored.
  const bool has_nul = request.body.find('\0') != std::string::npos;
  nlohmann::json body = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (has_nul || body.is_discarded()) throw bad_request("the request body is not valid JSON", "bad_json");
  if (!body.is_object()) throw bad_request("the request body must be a JSON object", "bad_json");
  return body;
}

std::string optional_string_member(const nlohmann::json& body, const char* name) {
  const auto member = body.find(name);
  if (member == body.end()) return {};
  if (!member->is_string()) throw bad_request(std::string("'") + name + "' must be a string", "invalid_field");
  return member->get<std::string>();
}

}  // namespace cryftee::api
