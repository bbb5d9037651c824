#pragma once
// Maps (method, path) to a handler and applies the route's access policy before calling it. Every
// exception a handler throws becomes the JSON error shape here, so no error escapes unformatted.
#include <functional>
#include <string>
#include <vector>

#include "http/message.h"

namespace cryftee::http {

enum class Access {
  ReadOnly,  // any listener, no credentials (status, schema, attestation, kiosk views)
  Staking,   // API listener only; over TCP needs a client certificate or the bearer token
  Admin,     // admin token, or a loopback peer when allowed; browsers must be same-origin
};

struct AccessPolicy {
  const std::string* admin_token = nullptr;  // not owned; nullptr when none is configured
  bool allow_loopback_admin = true;
};

using Handler = std::function<Response(const Request&)>;

class Router {
 public:
  explicit Router(AccessPolicy policy) : policy_(policy) {}

  void add(std::string method, std::string path, Access access, Handler handler);
  // A handler for every GET below `prefix` that no exact route matched (the kiosk's static files).
  void add_prefix(std::string prefix, Access access, Handler handler);

  // Never throws: unknown routes, refused access and handler errors all come back as JSON errors.
  Response handle(const Request& request) const;

 private:
  struct Route {
    std::string method;
    std::string path;
    bool prefix = false;
    Access access;
    Handler handler;
  };
  void check_access(const Route& route, const Request& request) const;
  Response answer(const Route& route, const Request& request) const;

  AccessPolicy policy_;
  std::vector<Route> routes_;
};

}  // namespace cryftee::http
