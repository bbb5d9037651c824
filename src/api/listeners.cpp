#include "api/listeners.h"

#include <unistd.h>

#include <utility>

namespace cryftee::api {
namespace {

// Any local user can open a loopback port (a Unix socket has its file mode too), so on http (and for
// local peers of https) an empty allow-list admits only the daemon's own user.
std::vector<uid_t> loopback_peer_uids(const Config& config) {
  return config.allowed_peer_uids.empty() ? std::vector<uid_t>{::geteuid()} : config.allowed_peer_uids;
}

}  // namespace

DaemonListeners::DaemonListeners(const Config& config, const Router& router, transport::ResponseObserver observer)
    : config_(config), api_(router), observer_(std::move(observer)) {
  if (config.transport == Transport::Uds && config.kiosk_enabled) kiosk_.emplace(router, KioskHosts(config.http_addr, config.kiosk_hosts));
}

std::vector<transport::ListenerSpec> DaemonListeners::specs() const {
  using transport::Endpoint;
  using transport::PeerCheck;
  transport::ListenerSpec api;
  api.limits = config_.limits;
  api.max_connections = config_.limits.max_connections;
  api.max_connections_setting = "--max-connections";
  api.handler = &api_;
  api.observer = observer_;
  api.tcp_address = config_.http_addr;
  if (config_.transport == Transport::Uds) {
    api.name = "uds";
    api.endpoint = Endpoint::Unix;
    api.unix_path = config_.uds_path;
    api.peer_check = PeerCheck::UnixUid;
    api.allowed_uids = config_.allowed_peer_uids;
  } else if (config_.transport == Transport::Http) {
    api.name = "http";
    api.endpoint = Endpoint::Tcp;
    api.peer_check = PeerCheck::LoopbackUid;
    api.allowed_uids = loopback_peer_uids(config_);
  } else {
    api.name = "https";
    api.endpoint = Endpoint::Tls;
    if (config_.allow_loopback_admin) {
      api.peer_check = PeerCheck::LoopbackUidIfKnown;
      api.allowed_uids = loopback_peer_uids(config_);
    }
  }
  std::vector<transport::ListenerSpec> specs{api};
  if (kiosk_) {
    transport::ListenerSpec kiosk;
    kiosk.name = "kiosk";
    kiosk.endpoint = Endpoint::Tcp;
    kiosk.tcp_address = config_.http_addr;
    kiosk.limits = config_.limits;
    kiosk.limits.idle_timeout = config_.limits.kiosk_idle_timeout;
    kiosk.max_connections = config_.limits.kiosk_max_connections;
    kiosk.max_connections_per_peer = config_.limits.kiosk_max_connections_per_peer;
    kiosk.max_connections_setting = "--kiosk-max-connections";
    kiosk.handler = &*kiosk_;
    specs.push_back(std::move(kiosk));
  }
  return specs;
}

}  // namespace cryftee::api
