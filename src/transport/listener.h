#pragma once
// One listener as the server opens it: where it listens, which peers it admits and how it learns who they
// are, its limits and connection budget, and the handler that answers its requests. Which listeners the
// daemon has is decided outside the transport (api/listeners.h).
#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "config/config.h"
#include "transport/handler.h"
#include "transport/response_observer.h"

namespace cryftee::transport {

enum class Endpoint {
  Unix,  // a Unix socket at `unix_path`
  Tcp,   // plain TCP at `tcp_address`
  Tls,   // TLS at `tcp_address`, with the server's TLS context
};

// How a listener learns who a peer is and whom it admits, by the uid the kernel records for the peer.
enum class PeerCheck {
  None,               // nobody is known by uid (the kiosk, HTTPS without --allow-loopback-admin)
  UnixUid,            // SO_PEERCRED; admitted when `allowed_uids` is empty or names the uid
  LoopbackUid,        // sock_diag for a loopback peer; admitted only when `allowed_uids` names the uid
  LoopbackUidIfKnown, // sock_diag for a loopback peer; everyone is admitted, and a uid not in
                      // `allowed_uids` is forgotten (the peer then needs a certificate or the token)
};

struct ListenerSpec {
  std::string name;  // in logs and metrics: "uds", "http", "https", "kiosk"
  Endpoint endpoint = Endpoint::Unix;
  std::filesystem::path unix_path;
  HostPort tcp_address;
  PeerCheck peer_check = PeerCheck::None;
  std::vector<uid_t> allowed_uids;
  // Sizes and times for each connection; idle_timeout is the listener's own.
  Limits limits;
  std::size_t max_connections = 0;
  std::size_t max_connections_per_peer = 0;  // 0: no per-peer limit
  std::string max_connections_setting;       // named in the 503 message: "--max-connections"
  const Handler* handler = nullptr;          // not owned; outlives the server
  ResponseObserver observer = {};            // sees every answer of this listener; may be empty
};

}  // namespace cryftee::transport
