#pragma once
#include "api/message.h"
#include "util/error.h"

namespace cryftee::api {

// The one place an error becomes the JSON error shape {"error": code, "message": text}.
Response error_response(const Error& error);
Response error_response(int status, const std::string& code, const std::string& message);

}  // namespace cryftee::api
