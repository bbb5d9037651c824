#pragma once
// The request and response a listener hands its handler and gets back (transport/handler.h). Keeping
// Beast out of these lets the API be unit-tested and fuzzed without sockets.
#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cryftee::transport {

// Which of the daemon's faces a request came in on. The transport leaves every request Api; the API's
// kiosk front (api/listener_fronts.h) marks its own.
enum class ListenerKind { Api, Kiosk };
enum class PeerTransport { Unix, Tcp, Tls };

struct Peer {
  PeerTransport transport = PeerTransport::Unix;
  bool loopback = false;              // Unix-socket peers count as local
  std::optional<uid_t> uid;           // SO_PEERCRED on the Unix socket, sock_diag on the loopback http API
  bool client_cert_verified = false;  // TLS client certificate chained to the configured CA
  std::string address;                // for logs: "unix:uid=1000" or "127.0.0.1:51234"
  // Who per-peer limits count against: the IP address of a TCP peer (without its port), "uid=1000" for a
  // Unix-socket peer.
  std::string limit_key;
};

struct Request {
  std::string method;  // upper case, e.g. "GET"
  std::string target;  // as received, with the query string
  std::string path;    // target without the query string
  std::map<std::string, std::string> query;    // decoded query parameters
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  Peer peer;
  ListenerKind listener = ListenerKind::Api;

  const std::string* header(const std::string& lower_case_name) const {
    auto it = headers.find(lower_case_name);
    return it == headers.end() ? nullptr : &it->second;
  }
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // The pattern of the route that answered ("/v1/staking/bls/sign", "/modules/*"), set by the router for
  // metrics; empty when no route did. Never the raw path, which a client chooses.
  std::string route = {};
  // The machine code of an error answer ("route_not_found"), empty for a success; kept beside the rendered
  // body so that nothing has to parse the body again to learn it.
  std::string error_code = {};
};

// Splits "path?a=1&b=2" into path and percent-decoded parameters. Malformed escapes are left as-is.
void parse_target(const std::string& target, std::string& path, std::map<std::string, std::string>& query);

}  // namespace cryftee::transport
