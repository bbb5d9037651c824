#include "http/error_response.h"

namespace cryftee::http {

Response error_response(int status, const std::string& code, const std::string& message) {
  return Response::json({{"error", code}, {"message", message}}, status);
}

Response error_response(const Error& error) {
  return error_response(error.status(), error.code(), error.what());
}

}  // namespace cryftee::http
