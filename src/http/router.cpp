#include "http/router.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <exception>

#include "http/error_response.h"
#include "http/loopback_host.h"

namespace cryftee::http {
namespace {

bool equal_in_constant_time(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string bearer_token(const Request& request) {
  const std::string* authorization = request.header("authorization");
  if (!authorization) return {};
  constexpr std::string_view kScheme = "Bearer ";
  if (authorization->size() <= kScheme.size() ||
      authorization->compare(0, kScheme.size(), kScheme) != 0) {
    return {};
  }
  return authorization->substr(kScheme.size());
}

// A browser sends Origin on cross-origin and state-changing requests; it must name the host it talks to.
bool same_origin(const Request& request) {
  if (const std::string* site = request.header("sec-fetch-site"); site && *site == "cross-site") return false;
  const std::string* origin = request.header("origin");
  if (!origin) return true;
  const std::string* host = request.header("host");
  if (!host) return false;
  return *origin == "http://" + *host || *origin == "https://" + *host;
}

}  // namespace

void Router::add(std::string method, std::string path, Access access, Handler handler) {
  routes_.push_back(Route{std::move(method), std::move(path), false, access, std::move(handler)});
}

void Router::add_prefix(std::string prefix, Access access, Handler handler) {
  routes_.push_back(Route{"GET", std::move(prefix), true, access, std::move(handler)});
}

void Router::check_access(const Route& route, const Request& request) const {
  // A TCP peer the kernel named by uid came through the loopback http transport, which answers loopback
  // Host names only (loopback_host.h says why).
  if (request.peer.transport == PeerTransport::Tcp && request.peer.uid) {
    const std::string* host = request.header("host");
    if (host == nullptr || !is_loopback_host(*host)) {
      throw Error(403, "host_not_allowed",
                  "the http transport answers only requests addressed to a loopback host (127.0.0.1, [::1] or "
                  "localhost), so that a web page cannot reach it through its own host name");
    }
  }
  if (route.access == Access::ReadOnly) return;
  if (route.access == Access::Staking && request.listener == ListenerKind::Kiosk) {
    throw Error(403, "not_on_kiosk",
                request.method + " " + request.path +
                    " is an API route: API routes are served on the API listener only (the Unix socket, or "
                    "--http-addr with the https or http transport), and this is the kiosk listener");
  }
  const std::string token = bearer_token(request);
  const bool token_ok = policy_.admin_token && !token.empty() && equal_in_constant_time(token, *policy_.admin_token);
  if (!token.empty() && !token_ok) throw Error(403, "forbidden", "the bearer token is not valid");
  if (!same_origin(request)) {
    throw Error(403, "cross_origin", "cross-origin requests are refused; open the kiosk from the daemon's own address");
  }
  if (token_ok) return;
  if (route.access == Access::Staking) {
    // A loopback peer whose uid the kernel named has passed the same allow-list as a Unix-socket peer.
    if (request.peer.transport == PeerTransport::Unix || request.peer.client_cert_verified) return;
    if (request.peer.loopback && request.peer.uid) return;
    if (request.peer.loopback && policy_.allow_loopback_admin) return;
    throw Error(401, "unauthorized", "this route needs a client certificate from the configured CA or a bearer token");
  }
  if (request.peer.loopback && policy_.allow_loopback_admin) return;
  throw Error(401, "unauthorized", "admin routes need 'Authorization: Bearer <admin token>' from a non-local peer");
}

const char* access_name(Access access) {
  switch (access) {
    case Access::ReadOnly: return "read-only";
    case Access::Staking: return "staking";
    case Access::Admin: return "admin";
  }
  return "unknown";
}

bool Router::path_matches(const Route& route, const std::string& path) {
  if (!route.prefix) return path == route.path;
  const bool inside_api = path.starts_with(kApiPathPrefix) && !route.path.starts_with(kApiPathPrefix);
  return !inside_api && path.starts_with(route.path);
}

std::vector<RouteInfo> Router::routes() const {
  std::vector<RouteInfo> table;
  for (const Route& route : routes_) table.push_back(RouteInfo{route.method, route.path, route.prefix, route.access});
  return table;
}

Response Router::handle(const Request& request) const {
  std::vector<std::string> allowed;  // methods the path takes, for a 405's Allow header
  const Route* match = nullptr;
  for (const Route& route : routes_) {
    if (!path_matches(route, request.path)) continue;
    if (route.method == request.method || (request.method == "HEAD" && route.method == "GET")) {
      // Exact routes win over prefix routes, and a longer prefix over a shorter one, whatever the order
      // they were added in (the kiosk's "/" static files must not shadow "/modules/").
      const bool more_specific = match && match->prefix &&
                                 (!route.prefix || route.path.size() > match->path.size());
      if (!match || more_specific) match = &route;
    } else {
      allowed.push_back(route.method);
      if (route.method == "GET") allowed.push_back("HEAD");
    }
  }
  if (!match) {
    if (allowed.empty()) return error_response(404, "route_not_found", "no route " + request.method + " " + request.path);
    std::sort(allowed.begin(), allowed.end());
    allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
    std::string allow;
    for (const std::string& method : allowed) allow += (allow.empty() ? "" : ", ") + method;
    Response response = error_response(405, "method_not_allowed",
                                       request.method + " is not allowed on " + request.path + "; use " + allow);
    response.headers.emplace_back("Allow", allow);
    return response;
  }
  Response response = answer(*match, request);
  response.route = match->prefix ? match->path + "*" : match->path;
  return response;
}

Response Router::answer(const Route& route, const Request& request) const {
  try {
    check_access(route, request);
    return route.handler(request);
  } catch (const Error& error) {
    return error_response(error);
  } catch (const nlohmann::json::exception& error) {
    return error_response(400, "bad_json", std::string("request JSON is not as expected: ") + error.what());
  } catch (const std::exception& error) {
    return error_response(500, "internal_error", error.what());
  }
}

}  // namespace cryftee::http
