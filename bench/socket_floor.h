#pragma once
// The transport floor: a Unix-socket ping-pong between this process and a forked child that answers every
// request with as many bytes as the daemon's answer to it has. No HTTP, no parsing, no work: what any
// daemon on this machine pays at least to move one exchange of that size and wake both sides.
#include <functional>

#include "load_runner.h"
#include "uds_http_client.h"

namespace cryftee::bench {

// What the child does for each request before it answers: nothing (the plain floor) or sign.
using AnswerWork = std::function<void()>;

// One connection (a socketpair) per client; the child serves each on a thread of its own with blocking
// reads and writes, and runs `work` (if any) before each answer. Call it while this process runs no other
// thread (it forks). Throws std::runtime_error when the sockets or the child cannot be made.
LoadResult measure_socket_floor(ExchangeSize size, const LoadPlan& plan, const AnswerWork& work = {});

}  // namespace cryftee::bench
