// The kernel names the owner of a loopback TCP peer (sock_diag), as SO_PEERCRED does for a Unix socket.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "transport/loopback_peer_uid.h"

namespace cryftee::transport {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

// One accepted loopback connection: `server` is our end, `client` the peer's.
struct LoopbackPair {
  asio::io_context io;
  tcp::acceptor acceptor{io};
  tcp::socket client{io};
  tcp::socket server{io};

  explicit LoopbackPair(const asio::ip::address& address) {
    acceptor.open(tcp::endpoint(address, 0).protocol());
    acceptor.bind(tcp::endpoint(address, 0));
    acceptor.listen();
    client.connect(acceptor.local_endpoint());
    acceptor.accept(server);
  }
};

TEST(LoopbackPeerUid, NamesTheUserOfAnIpv4Peer) {
  LoopbackPair pair(asio::ip::make_address("127.0.0.1"));
  const auto uid = loopback_peer_uid(pair.server.local_endpoint(), pair.server.remote_endpoint());
  ASSERT_TRUE(uid.has_value());
  EXPECT_EQ(*uid, ::geteuid());
}

TEST(LoopbackPeerUid, NamesTheUserOfAnIpv6Peer) {
  std::unique_ptr<LoopbackPair> pair;
  try {
    pair = std::make_unique<LoopbackPair>(asio::ip::make_address("::1"));
  } catch (const boost::system::system_error& error) {
    GTEST_SKIP() << "no IPv6 loopback here: " << error.what();
  }
  const auto uid = loopback_peer_uid(pair->server.local_endpoint(), pair->server.remote_endpoint());
  ASSERT_TRUE(uid.has_value());
  EXPECT_EQ(*uid, ::geteuid());
}

TEST(LoopbackPeerUid, AnUnknownPeerIsNotNamed) {
  LoopbackPair pair(asio::ip::make_address("127.0.0.1"));
  // Our own end seen from the wrong side, and a port nobody uses: the kernel has no such socket.
  tcp::endpoint nobody(asio::ip::make_address("127.0.0.1"), 1);
  EXPECT_FALSE(loopback_peer_uid(pair.server.local_endpoint(), nobody).has_value());
  // A peer that closed its socket (it now lingers in time-wait, where the kernel reports uid 0, which
  // would pass for root) is not named either.
  const tcp::endpoint local = pair.server.local_endpoint();
  const tcp::endpoint remote = pair.server.remote_endpoint();
  pair.client.close();
  EXPECT_FALSE(loopback_peer_uid(local, remote).has_value());
  pair.server.close();
  EXPECT_FALSE(loopback_peer_uid(local, remote).has_value());
}

}  // namespace
}  // namespace cryftee::transport
