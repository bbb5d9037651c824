#include "api/json_response.h"

namespace cryftee::api {

Response json_response(const nlohmann::json& value, int status) {
  Response response;
  response.status = status;
  response.body = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

Response json_text_response(std::string text, int status) {
  Response response;
  response.status = status;
  response.body = std::move(text);
  return response;
}

}  // namespace cryftee::api
