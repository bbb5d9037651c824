#include "transport/peer_credentials.h"

#include <sys/socket.h>

#include <algorithm>

namespace cryftee::transport {

Peer unix_peer(int socket_fd) {
  Peer peer;
  peer.transport = PeerTransport::Unix;
  peer.loopback = true;
  ucred credentials{};
  socklen_t length = sizeof(credentials);
  if (::getsockopt(socket_fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) == 0 && length == sizeof(credentials)) {
    peer.uid = credentials.uid;
    peer.limit_key = "uid=" + std::to_string(credentials.uid);
  } else {
    peer.limit_key = "uid=unknown";
  }
  peer.address = "unix:" + peer.limit_key;
  return peer;
}

bool is_loopback(const boost::asio::ip::address& address) {
  if (address.is_v4()) return address.to_v4().is_loopback();
  const auto v6 = address.to_v6();
  if (v6.is_v4_mapped()) return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).is_loopback();
  return v6.is_loopback();
}

namespace {

// IPv6 hosts usually hold a whole /64, so a per-peer limit counts the /64 rather than one address.
std::string limit_key_of(const boost::asio::ip::address& address) {
  if (address.is_v4()) return address.to_string();
  const auto v6 = address.to_v6();
  if (v6.is_v4_mapped()) return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).to_string();
  auto bytes = v6.to_bytes();
  std::fill(bytes.begin() + 8, bytes.end(), 0);
  return boost::asio::ip::address_v6(bytes).to_string() + "/64";
}

}  // namespace

Peer tcp_peer(const boost::asio::ip::tcp::endpoint& remote, PeerTransport transport) {
  Peer peer;
  peer.transport = transport;
  peer.loopback = is_loopback(remote.address());
  const std::string host = remote.address().to_string();
  peer.address = (remote.address().is_v6() ? "[" + host + "]" : host) + ":" + std::to_string(remote.port());
  peer.limit_key = limit_key_of(remote.address());
  return peer;
}

}  // namespace cryftee::transport
