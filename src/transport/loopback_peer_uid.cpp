#include "transport/loopback_peer_uid.h"

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <array>
#include <cstring>

namespace cryftee::transport {
namespace {

// The kernel answers an exact lookup at once; the timeout only guards the io thread against the unexpected.
constexpr timeval kReplyTimeout{1, 0};

// Owns the netlink socket of one query.
class NetlinkSocket {
 public:
  NetlinkSocket() : fd_(::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG)) {
    if (fd_ >= 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &kReplyTimeout, sizeof kReplyTimeout);
  }
  ~NetlinkSocket() {
    if (fd_ >= 0) ::close(fd_);
  }
  NetlinkSocket(const NetlinkSocket&) = delete;
  NetlinkSocket& operator=(const NetlinkSocket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

// inet_diag addresses are four 32-bit words in network order: IPv4 uses the first, IPv6 all four.
void copy_address(const boost::asio::ip::address& address, __be32 (&out)[4]) {
  if (address.is_v4()) {
    const auto bytes = address.to_v4().to_bytes();
    std::memcpy(&out[0], bytes.data(), bytes.size());
  } else {
    const auto bytes = address.to_v6().to_bytes();
    std::memcpy(&out[0], bytes.data(), bytes.size());
  }
}

}  // namespace

std::optional<uid_t> loopback_peer_uid(const boost::asio::ip::tcp::endpoint& local,
                                       const boost::asio::ip::tcp::endpoint& remote) {
  if (local.address().is_v4() != remote.address().is_v4()) return std::nullopt;
  NetlinkSocket netlink;
  if (netlink.fd() < 0) return std::nullopt;

  // Look up the peer's own socket: its source is the remote end, its destination our end.
  struct {
    nlmsghdr header;
    inet_diag_req_v2 request;
  } query{};
  query.header.nlmsg_len = sizeof query;
  query.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  query.header.nlmsg_flags = NLM_F_REQUEST;
  query.request.sdiag_family = remote.address().is_v4() ? AF_INET : AF_INET6;
  query.request.sdiag_protocol = IPPROTO_TCP;
  query.request.idiag_states = ~0U;
  query.request.id.idiag_sport = htons(remote.port());
  query.request.id.idiag_dport = htons(local.port());
  copy_address(remote.address(), query.request.id.idiag_src);
  copy_address(local.address(), query.request.id.idiag_dst);
  query.request.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
  query.request.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;

  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(netlink.fd(), &query, sizeof query, 0, reinterpret_cast<const sockaddr*>(&kernel), sizeof kernel) !=
      static_cast<ssize_t>(sizeof query)) {
    return std::nullopt;
  }
  alignas(nlmsghdr) std::array<char, 8192> reply{};
  const ssize_t received = ::recv(netlink.fd(), reply.data(), reply.size(), 0);
  if (received <= 0) return std::nullopt;
  auto length = static_cast<unsigned>(received);
  for (auto* message = reinterpret_cast<const nlmsghdr*>(reply.data()); NLMSG_OK(message, length);
       message = NLMSG_NEXT(message, length)) {
    if (message->nlmsg_type != SOCK_DIAG_BY_FAMILY) return std::nullopt;  // NLMSG_ERROR: not found
    if (message->nlmsg_len < NLMSG_LENGTH(sizeof(inet_diag_msg))) return std::nullopt;
    const auto* found = static_cast<const inet_diag_msg*>(NLMSG_DATA(message));
    // The kernel matched on all four values; checking them again costs nothing and rules out a mix-up.
    if (found->id.idiag_sport != query.request.id.idiag_sport || found->id.idiag_dport != query.request.id.idiag_dport) {
      return std::nullopt;
    }
    // A peer that already closed its socket leaves a time-wait entry that reports uid 0 and no inode:
    // only a socket some process still holds names its user.
    if (found->idiag_inode == 0) return std::nullopt;
    return static_cast<uid_t>(found->idiag_uid);
  }
  return std::nullopt;
}

}  // namespace cryftee::transport
