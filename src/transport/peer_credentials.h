#pragma once
// Who is on the other end of an accepted connection, filled truthfully for the access policy and logs.
#include <boost/asio/ip/tcp.hpp>

#include "transport/message.h"

namespace cryftee::transport {

// A Unix-socket peer: local by definition; its uid comes from SO_PEERCRED (absent if the kernel refuses).
Peer unix_peer(int socket_fd);

// A TCP (or TLS over TCP) peer: loopback for 127.0.0.0/8, ::1 and their IPv4-mapped forms.
Peer tcp_peer(const boost::asio::ip::tcp::endpoint& remote, PeerTransport transport);

bool is_loopback(const boost::asio::ip::address& address);

}  // namespace cryftee::transport
