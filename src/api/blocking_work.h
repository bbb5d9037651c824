#pragma once
// Work that may wait on something outside the process (a disk, a TPM, Web3Signer, a module reload) runs
// off the I/O threads, which serve every connection (transport/server.h).
#include <functional>

namespace cryftee {
class WorkQueue;  // util/work_queue.h
}

namespace cryftee::api {

// Queues `job` (which must not throw) on `queue`; throws 503 server_busy when too many jobs already wait.
void run_blocking(WorkQueue& queue, std::function<void()> job);

}  // namespace cryftee::api
