#include "api/key_quota.h"

#include "util/error.h"

namespace cryftee::api {

void KeyQuota::take(const std::string& peer) {
  std::lock_guard lock(mutex_);
  std::size_t& taken = taken_[peer];
  if (taken >= per_peer_) {
    throw Error(403, "key_quota_exceeded",
                "this client has registered " + std::to_string(taken) + " keys, its quota (--max-keys-per-peer); "
                "more need 'Authorization: Bearer <admin token>'");
  }
  ++taken;
}

void KeyQuota::give_back(const std::string& peer) {
  std::lock_guard lock(mutex_);
  const auto it = taken_.find(peer);
  if (it == taken_.end()) return;
  if (--it->second == 0) taken_.erase(it);
}

}  // namespace cryftee::api
