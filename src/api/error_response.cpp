#include "api/error_response.h"

#include "api/json_response.h"

namespace cryftee::api {

Response error_response(int status, const std::string& code, const std::string& message) {
  Response response = json_response({{"error", code}, {"message", message}}, status);
  response.error_code = code;
  return response;
}

Response error_response(const Error& error) {
  return error_response(error.status(), error.code(), error.what());
}

}  // namespace cryftee::api
