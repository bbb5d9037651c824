#include "api/router.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <future>
#include <memory>

#include <nlohmann/json.hpp>

#include "api/blocking_work.h"
#include "api/error_response.h"
#include "api/loopback_host.h"

namespace cryftee::api {
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

// A wrong-token refusal that tells the client when to try again (the Retry-After header).
class RetryLater : public Error {
 public:
  RetryLater(std::chrono::seconds wait, const std::string& message)
      : Error(429, "too_many_attempts", message), wait_(wait) {}
  std::chrono::seconds wait() const noexcept { return wait_; }

 private:
  std::chrono::seconds wait_;
};

bool changes_state(const Request& request) {
  return request.method != "GET" && request.method != "HEAD" && request.method != "OPTIONS";
}

// A browser sends Origin on cross-origin and state-changing requests; it must name the host it talks to.
// Sec-Fetch-Site "same-site" is another port or subdomain of the same site, not this origin: only
// "same-origin" (and "none", a navigation the user started) pass.
bool same_origin(const Request& request) {
  if (const std::string* site = request.header("sec-fetch-site"); site && *site != "same-origin" && *site != "none") {
    return false;
  }
  const std::string* origin = request.header("origin");
  if (!origin) return true;
  const std::string* host = request.header("host");
  if (!host) return false;
  return *origin == "http://" + *host || *origin == "https://" + *host;
}

// Peers whose user the kernel vouches for, admitted by the peer-uid allow-list: the Unix socket's, and a
// loopback TCP peer whose socket the kernel named (the loopback http transport).
bool kernel_identified(const Peer& peer) {
  return peer.transport == PeerTransport::Unix || (peer.loopback && peer.uid.has_value());
}

}  // namespace

bool presents_admin_token(const Request& request, const std::string* admin_token) {
  const std::string token = bearer_token(request);
  return admin_token != nullptr && !token.empty() && equal_in_constant_time(token, *admin_token);
}

void Router::add(std::string method, std::string path, Access access, Handler handler) {
  routes_.push_back(Route{std::move(method), std::move(path), false, access, std::move(handler), {}});
}

void Router::add_prefix(std::string prefix, Access access, Handler handler) {
  routes_.push_back(Route{"GET", std::move(prefix), true, access, std::move(handler), {}});
}

void Router::add_deferred(std::string method, std::string path, Access access, DeferredHandler handler) {
  routes_.push_back(Route{std::move(method), std::move(path), false, access, {}, std::move(handler)});
}

void Router::check_access(const Route& route, const Request& request) const {
  const bool on_kiosk = request.listener == ListenerKind::Kiosk;
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
  if (route.access == Access::Staking && on_kiosk) {
    throw Error(403, "not_on_kiosk",
                request.method + " " + request.path +
                    " is an API route: API routes are served on the API listener only (the Unix socket, or "
                    "--http-addr with the https or http transport), and this is the kiosk listener");
  }
  if (route.access == Access::ReadOnly) return;
  if (on_kiosk && changes_state(request) && request.header(kKioskRequestHeader) == nullptr) {
    throw Error(403, "kiosk_header_missing",
                std::string("state-changing requests on the kiosk need the header '") + kKioskRequestHeader +
                    ": 1' that the kiosk page sends");
  }
  if (!same_origin(request)) {
    throw Error(403, "cross_origin", "cross-origin requests are refused; open the kiosk from the daemon's own address");
  }
  if (token_accepted(request)) return;
  if (route.access == Access::Staking) {
    if (kernel_identified(request.peer) || request.peer.client_cert_verified) return;
    throw Error(401, "unauthorized", "this route needs a client certificate from the configured CA or a bearer token");
  }
  if (!on_kiosk && kernel_identified(request.peer) && policy_.allow_loopback_admin) return;
  if (policy_.admin_token == nullptr) {
    throw Error(403, "admin_token_not_configured",
                "admin routes from this peer need the admin token and none is configured "
                "(CRYFTEE_ADMIN_TOKEN or --admin-token-file)");
  }
  throw Error(401, "unauthorized",
              on_kiosk ? "admin routes on the kiosk always need 'Authorization: Bearer <admin token>'"
                       : "admin routes need 'Authorization: Bearer <admin token>'; only Unix-socket peers may go without it, "
                         "when --allow-loopback-admin is on");
}

// A wrong token is refused (403) and counted against the peer; a peer that sent too many is refused (429)
// before its token is even compared.
bool Router::token_accepted(const Request& request) const {
  if (bearer_token(request).empty()) return false;
  const std::string& peer = request.peer.limit_key;
  if (const auto wait = token_attempts_->wait_for(peer); wait.count() > 0) {
    throw RetryLater(wait, "too many wrong bearer tokens from this peer; try again in " + std::to_string(wait.count()) + " s");
  }
  if (presents_admin_token(request, policy_.admin_token)) return true;
  token_attempts_->record_failure(peer);
  throw Error(403, "forbidden", "the bearer token is not valid");
}

const char* access_name(Access access) {
  switch (access) {
    case Access::ReadOnly: return "read-only";
    case Access::Staking: return "staking";
    case Access::Admin: return "admin";
  }
  return "unknown";
}

std::string Router::pattern_of(const Route& route) { return route.prefix ? route.path + "*" : route.path; }

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

namespace {

// Runs `make` and turns whatever it throws into the JSON error shape.
template <typename Make>
Response rendered(Make&& make) {
  try {
    return make();
  } catch (const RetryLater& error) {
    Response response = error_response(error);
    response.headers.emplace_back("Retry-After", std::to_string(error.wait().count()));
    return response;
  } catch (const Error& error) {
    return error_response(error);
  } catch (const nlohmann::json::exception& error) {
    return error_response(400, "bad_json", std::string("request JSON is not as expected: ") + error.what());
  } catch (const std::exception& error) {
    return error_response(500, "internal_error", error.what());
  }
}

}  // namespace

const Router::Route* Router::match(const Request& request, Response& refusal) const {
  std::vector<std::string> allowed;  // methods the path takes, for a 405's Allow header
  const Route* best = nullptr;
  for (const Route& route : routes_) {
    if (!path_matches(route, request.path)) continue;
    if (route.method == request.method || (request.method == "HEAD" && route.method == "GET")) {
      // Exact routes win over prefix routes, and a longer prefix over a shorter one, whatever the order
      // they were added in (the kiosk's "/" static files must not shadow "/modules/").
      const bool more_specific = best && best->prefix &&
                                 (!route.prefix || route.path.size() > best->path.size());
      if (!best || more_specific) best = &route;
    } else {
      allowed.push_back(route.method);
      if (route.method == "GET") allowed.push_back("HEAD");
    }
  }
  if (best) return best;
  if (allowed.empty()) {
    refusal = error_response(404, "route_not_found", "no route " + request.method + " " + request.path);
    return nullptr;
  }
  std::sort(allowed.begin(), allowed.end());
  allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
  std::string allow;
  for (const std::string& method : allowed) allow += (allow.empty() ? "" : ", ") + method;
  refusal = error_response(405, "method_not_allowed", request.method + " is not allowed on " + request.path + "; use " + allow);
  refusal.headers.emplace_back("Allow", allow);
  return nullptr;
}

void Router::handle(const Request& request, Reply reply) const {
  Response refusal;
  const Route* route = match(request, refusal);
  if (!route) return reply(std::move(refusal));
  // Every answer names the route pattern it came from (for metrics: a pattern, never the requested path).
  // Set on the answer itself, not by wrapping `reply`: a wrapper is an allocation on every request.
  if (!route->deferred && !(route->access == Access::Admin && blocking_work_ != nullptr)) {
    Response response = rendered([&] {
      check_access(*route, request);
      return route->handler(request);
    });
    response.route = pattern_of(*route);
    return reply(std::move(response));
  }
  // The handler either hands `finish` to its work or throws before it does; exactly one answer goes out.
  auto shared_reply = std::make_shared<Reply>([reply = std::move(reply), pattern = pattern_of(*route)](Response response) {
    response.route = pattern;
    reply(std::move(response));
  });
  Response early = rendered([&] {
    check_access(*route, request);
    if (route->deferred) {
      route->deferred(request, [shared_reply](Answer answer) { (*shared_reply)(rendered(answer)); });
    } else {
      run_blocking(*blocking_work_, [shared_reply, route, request] {
        (*shared_reply)(rendered([&] { return route->handler(request); }));
      });
    }
    return Response{};
  });
  if (early.status >= 400) (*shared_reply)(std::move(early));
}

Response Router::handle(const Request& request) const {
  std::promise<Response> answered;
  handle(request, [&answered](Response response) { answered.set_value(std::move(response)); });
  return answered.get_future().get();
}

}  // namespace cryftee::api
