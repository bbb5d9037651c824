#pragma once
// Maps (method, path) to a handler and applies the route's access policy before calling it. Every
// exception a handler throws becomes the JSON error shape here, so no error escapes unformatted.
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/message.h"
#include "api/token_attempts.h"
#include "transport/handler.h"

namespace cryftee {
class WorkQueue;  // util/work_queue.h
}

namespace cryftee::api {

enum class Access {
  ReadOnly,  // any listener, no credentials (status, schema, attestation, kiosk views)
  Staking,   // API listener only; over TCP needs a client certificate, the bearer token, or (loopback http)
             // a peer whose uid the kernel named
  Admin,     // admin token, or a peer the kernel names by uid (Unix socket, loopback http) when allowed;
             // browsers must be same-origin
};

struct AccessPolicy {
  const std::string* admin_token = nullptr;  // not owned; nullptr when none is configured
  // Unix-socket peers (admitted by the socket's mode and the peer-uid allow-list) may use admin routes
  // without the token. A TCP peer is never trusted for its address, loopback included.
  bool allow_loopback_admin = true;
};

// The header the kiosk page sends with every state-changing request. A browser adds a custom header to a
// cross-origin request only after a CORS preflight, which the kiosk never grants, so a request that
// carries it comes from the kiosk's own page (or from a client that is no browser and needs the token anyway).
inline constexpr const char* kKioskRequestHeader = "x-cryftee-kiosk";

// True when the request carries 'Authorization: Bearer <token>' with the configured admin token.
bool presents_admin_token(const Request& request, const std::string* admin_token);

using Handler = std::function<Response(const Request&)>;
// Makes a deferred answer; may throw like a Handler, and the router renders the error the same way.
using Answer = std::function<Response()>;
// A handler whose work finishes later, on another thread (key derivation): it calls `finish` exactly once,
// from any thread, with what makes the answer. It may also throw before handing the work off.
using DeferredHandler = std::function<void(const Request&, std::function<void(Answer)> finish)>;
// Receives the answer of Router::handle, on the thread that finished the work.
using Reply = transport::Reply;

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
  // `blocking_work`, when given, runs the admin routes (reloads, Web3Signer and key store work, which wait
  // on disks, TPMs and networks) so that they never hold an I/O thread; null: they run where they are called.
  explicit Router(AccessPolicy policy, WorkQueue* blocking_work = nullptr) : policy_(policy), blocking_work_(blocking_work) {}

  void add(std::string method, std::string path, Access access, Handler handler);
  // A handler for every GET below `prefix` that no exact route matched (the kiosk's static files).
  void add_prefix(std::string prefix, Access access, Handler handler);
  void add_deferred(std::string method, std::string path, Access access, DeferredHandler handler);

  // Never throws: unknown routes, refused access and handler errors all come back as JSON errors. A path
  // that is served, but not with this method, is 405 with an Allow header listing the methods it takes.
  // `reply` is called exactly once: at once for ordinary routes, when the work is done for deferred ones.
  void handle(const Request& request, Reply reply) const;
  // The same, waiting for a deferred answer (tests and tools that have no event loop).
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
    DeferredHandler deferred;  // set instead of handler for deferred routes
  };
  const Route* match(const Request& request, Response& refusal) const;
  void check_access(const Route& route, const Request& request) const;
  static bool path_matches(const Route& route, const std::string& path);
  static std::string pattern_of(const Route& route);

  bool token_accepted(const Request& request) const;

  AccessPolicy policy_;
  WorkQueue* blocking_work_;
  std::vector<Route> routes_;
  std::unique_ptr<TokenAttempts> token_attempts_ = std::make_unique<TokenAttempts>();
};

}  // namespace cryftee::api
