#pragma once
// The kiosk's static files: GET/HEAD below "/" serves files from the configured ui directory
// ("/" and any path ending in "/" mean that folder's index.html). No directory listing, no path that
// leaves the directory (dot segments, hidden files and symlinks out are refused), and the kiosk's strict
// security headers on every answer.
#include <filesystem>

#include "api/message.h"

namespace cryftee::api {

inline constexpr const char* kKioskContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'none'";

// Adds Content-Security-Policy and X-Content-Type-Options: nosniff unless already present.
void add_kiosk_security_headers(Response& response);

// The Content-Type for a file name, by extension; application/octet-stream when unknown.
std::string content_type_for(const std::filesystem::path& file);

class StaticFiles {
 public:
  explicit StaticFiles(std::filesystem::path root) : root_(std::move(root)) {}

  // Throws cryftee::Error 404 when the path is refused or names no regular file under the root.
  Response serve(const Request& request) const;

 private:
  std::filesystem::path root_;
};

}  // namespace cryftee::api
