#pragma once
// Every connection holds a file descriptor, so the connection budgets only mean something when the
// process may open that many. At start the soft RLIMIT_NOFILE is raised towards what the budgets need (up
// to the hard limit, which only the service manager can raise: LimitNOFILE= in the systemd unit).
#include <cstddef>

namespace cryftee::transport {

// Descriptors the daemon uses besides its connections: listeners, V8, logs, Web3Signer connections.
inline constexpr std::size_t kDescriptorsBesidesConnections = 128;

// Raises the soft limit to at least `needed` when the hard limit allows; returns the soft limit in force.
std::size_t raise_descriptor_limit(std::size_t needed);

}  // namespace cryftee::transport
