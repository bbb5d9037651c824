#pragma once
// Reloading the modules is all or nothing. The new registry is built and verified beside the serving one
// and swapped in only when every module of the new manifest loads; otherwise the serving registry stays
// whole (a tampered signer module cannot take the signer away) and the attempt fails with the reason:
// 409 reload_refused naming each module that would not load, or the error of a manifest or trust file
// that cannot be read. The last attempt is kept for the status.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "runtime/registry.h"

namespace cryftee::runtime {

struct ReloadAttempt {
  std::chrono::system_clock::time_point at;
  bool applied = false;
  std::uint64_t serving_epoch = 0;  // the registry serving after the attempt
  std::string error;                // machine code when not applied, else empty
  std::string message;              // why not, for people; empty when applied
};

class Reloader {
 public:
  // Builds the registry of the given epoch from the configured manifest; throws cryftee::Error.
  using Build = std::function<std::shared_ptr<const Registry>(std::uint64_t epoch)>;
  // Called with the new registry right after it was swapped in (e.g. to drop instances of old modules).
  using Swapped = std::function<void(const Registry&)>;

  Reloader(RegistryHolder& registry, Build build, Swapped swapped = {});

  // One reload at a time. Returns the registry now serving; throws cryftee::Error, the serving registry
  // unchanged, when the new one cannot be built or any of its modules would not load.
  std::shared_ptr<const Registry> reload();
  std::optional<ReloadAttempt> last_attempt() const;

 private:
  void record(ReloadAttempt attempt);

  RegistryHolder& registry_;
  Build build_;
  Swapped swapped_;
  std::mutex reload_mutex_;  // held for a whole reload
  mutable std::mutex attempt_mutex_;
  std::optional<ReloadAttempt> last_attempt_;
};

}  // namespace cryftee::runtime
