#pragma once
// The user id that owns the other end of a loopback TCP connection, asked of the kernel's socket table
// over a NETLINK_SOCK_DIAG socket (the inet_diag query `ss -e` makes). It lets the loopback http
// transport apply the same uid allow-list as SO_PEERCRED does on the Unix socket.
//
// What it names is the user that created the peer's socket. Like SO_PEERCRED it cannot see a socket
// handed to another process after it was opened, and root can open sockets as anyone.
#include <sys/types.h>

#include <boost/asio/ip/tcp.hpp>
#include <optional>

namespace cryftee::transport {

// `local` is our end of the accepted connection, `remote` the peer's. nullopt when the kernel does not
// know the peer's socket (it is not on this host), no process holds it any more (the peer closed it, so
// a request it left behind is not answered), or the query fails: callers must then refuse the connection.
std::optional<uid_t> loopback_peer_uid(const boost::asio::ip::tcp::endpoint& local,
                                       const boost::asio::ip::tcp::endpoint& remote);

}  // namespace cryftee::transport
