#include "runtime/reloader.h"

#include "util/error.h"

namespace cryftee::runtime {
namespace {

// Throws 409 reload_refused when any module of `next` would not load.
void require_every_module_loaded(const Registry& next) {
  std::size_t failing = 0;
  std::string reasons;
  for (const ModuleRecord& record : next.modules) {
    if (record.status.loaded) continue;
    ++failing;
    reasons += (reasons.empty() ? "" : "; ") + record.entry.id + ": " + record.status.reason;
  }
  if (failing == 0) return;
  throw conflict(std::to_string(failing) + " of " + std::to_string(next.modules.size()) +
                     " modules of the new manifest would not load, so nothing was changed (" + reasons + ")",
                 "reload_refused");
}

}  // namespace

Reloader::Reloader(RegistryHolder& registry, Build build, Swapped swapped)
    : registry_(registry), build_(std::move(build)), swapped_(std::move(swapped)) {}

std::shared_ptr<const Registry> Reloader::reload() {
  std::lock_guard lock(reload_mutex_);
  const std::shared_ptr<const Registry> serving = registry_.current();
  try {
    std::shared_ptr<const Registry> next = build_(serving->epoch + 1);
    require_every_module_loaded(*next);
    registry_.replace(next);
    if (swapped_) swapped_(*next);
    record(ReloadAttempt{std::chrono::system_clock::now(), true, next->epoch, {}, {}});
    return next;
  } catch (const Error& error) {
    record(ReloadAttempt{std::chrono::system_clock::now(), false, serving->epoch, error.code(), error.what()});
    throw;
  } catch (const std::exception& error) {
    record(ReloadAttempt{std::chrono::system_clock::now(), false, serving->epoch, "internal_error", error.what()});
    throw;
  }
}

std::optional<ReloadAttempt> Reloader::last_attempt() const {
  std::lock_guard lock(attempt_mutex_);
  return last_attempt_;
}

void Reloader::record(ReloadAttempt attempt) {
  std::lock_guard lock(attempt_mutex_);
  last_attempt_ = std::move(attempt);
}

}  // namespace cryftee::runtime
