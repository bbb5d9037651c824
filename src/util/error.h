#pragma once
// Errors are values that carry the HTTP status and machine code chosen where the failure is understood.
// They become the JSON error shape {"error": code, "message": message} in exactly one place
// (api/error_response.cpp).
#include <stdexcept>
#include <string>

namespace cryftee {

class Error : public std::runtime_error {
 public:
  Error(int status, std::string code, const std::string& message)
      : std::runtime_error(message), status_(status), code_(std::move(code)) {}

  int status() const noexcept { return status_; }
  const std::string& code() const noexcept { return code_; }

 private:
  int status_;
  std::string code_;
};

inline Error bad_request(const std::string& message, std::string code = "bad_request") {
  return Error(400, std::move(code), message);
}
inline Error not_found(const std::string& message, std::string code = "not_found") {
  return Error(404, std::move(code), message);
}
inline Error conflict(const std::string& message, std::string code = "conflict") {
  return Error(409, std::move(code), message);
}
inline Error unprocessable(const std::string& message, std::string code = "unprocessable") {
  return Error(422, std::move(code), message);
}
inline Error unavailable(const std::string& message, std::string code = "unavailable") {
  return Error(503, std::move(code), message);
}
inline Error internal_error(const std::string& message, std::string code = "internal_error") {
  return Error(500, std::move(code), message);
}

}  // namespace cryftee
