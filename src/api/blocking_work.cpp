#include "api/blocking_work.h"

#include "util/error.h"
#include "util/work_queue.h"

namespace cryftee::api {

void run_blocking(WorkQueue& queue, std::function<void()> job) {
  if (!queue.try_submit(std::move(job))) {
    throw unavailable("too many requests are waiting for disk, TPM or network work; try again shortly", "server_busy");
  }
}

}  // namespace cryftee::api
