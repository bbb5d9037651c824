#pragma once
// Maps (method, path) to a handler and applies the route's access policy before calling it. Every
// exception a handler throws becomes the JSON error shape here, so no error escapes unformatted.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"

namespace cryftee::http {

enum class Access {
  ReadOnly,  // any listener, no credentials (status, schema, attestation, kiosk views)
  Staking,   // API listener only; over TCP needs a client certificate, the bearer token, or (loopback http)
             // a peer whose uid the kernel named
  Admin,     // admin token, or a loopback peer when allowed; browsers must be same-origin
};

struct AccessPolicy {
  const std::string* admin_token = nullptr;  // not owned; nullptr when none is configured
  bool allow_loopback_admin = true;
};

using Handler = std::function<Response(const Request&)>;

// Everything below this prefix is the versioned API: only exact routes answer there, so an unknown API
// path is 404 route_not_found, never a kiosk file (a prefix route such as the kiosk's "/" stops above it).
inline constexpr std::string_view kApiPathPrefix = "/v1/";

// One entry of the routing table, as `cryftee routes` prints it and the contract test reads it.
struct RouteInfo {
  std::string method;
  std::string path;
  bool prefix = false;  // path is a prefix: the route answers every GET below it
  Access access;
};

const char* access_name(Access access);

class Router {
 public:
  explicit Router(AccessPolicy policy) : policy_(policy) {}

  void add(std::string method, std::string path, Access access, Handler handler);
  // A handler for every GET below `prefix` that no exact route matched (the kiosk's static files).
  void add_prefix(std::string prefix, Access access, Handler handler);

  // Never throws: unknown routes, refused access and handler errors all come back as JSON errors. A path
  // that is served, but not with this method, is 405 with an Allow header listing the methods it takes.
  Response handle(const Request& request) const;

  // The table, in the order the routes were added.
  std::vector<RouteInfo> routes() const;

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
  static bool path_matches(const Route& route, const std::string& path);

  AccessPolicy policy_;
  std::vector<Route> routes_;
};

}  // namespace cryftee::http
