#pragma once
// Keys registered per client, so that one client cannot fill the memory custody (kMaxMemoryKeysPerKind)
// for everyone: beyond its quota a client needs the admin token. A client is a Peer::limit_key (a
// Unix-socket uid, a TCP address). Every registration that may create a key (any mode but "verify") counts,
// for the daemon's lifetime, as long as memory keys live. Thread-safe.
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace cryftee::api {

class KeyQuota {
 public:
  explicit KeyQuota(std::size_t per_peer) : per_peer_(per_peer) {}

  // Counts one registration for `peer`; throws cryftee::Error 403 key_quota_exceeded when its quota is used up.
  void take(const std::string& peer);
  // Gives one back, for a registration that failed.
  void give_back(const std::string& peer);

 private:
  const std::size_t per_peer_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::size_t> taken_;
};

}  // namespace cryftee::api
