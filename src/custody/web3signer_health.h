#pragma once
// A background thread that probes Web3Signer (/upcheck, then /healthcheck) every interval and keeps the
// latest verdict as a snapshot that status handlers read. Probing holds no lock: the only lock guards
// copying the snapshot, so a slow or hanging Web3Signer never delays a request that reads status or signs.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "custody/web3signer_client.h"

namespace cryftee {

struct Web3SignerHealthSnapshot {
  bool reachable = false;  // /upcheck answered 200 at `url`
  bool healthy = false;    // and /healthcheck answered 200
  std::string last_error;  // why not, for people; empty when reachable and healthy
  std::string url;         // the (redacted) URL this verdict is about
  std::optional<std::chrono::system_clock::time_point> checked_at;  // nullopt until the first probe ends
};

class Web3SignerHealthChecker {
 public:
  // Starts probing at once and then every `interval`. `client` must outlive the checker.
  Web3SignerHealthChecker(Web3SignerClient& client, std::chrono::milliseconds interval);
  // Stops the thread; waits at most for the probe in flight (bounded by the client's timeouts).
  ~Web3SignerHealthChecker();
  Web3SignerHealthChecker(const Web3SignerHealthChecker&) = delete;
  Web3SignerHealthChecker& operator=(const Web3SignerHealthChecker&) = delete;

  Web3SignerHealthSnapshot snapshot() const;
  // Asks for a probe now instead of at the end of the interval (e.g. after a call failed); returns at once.
  void check_now();

 private:
  void run();
  Web3SignerHealthSnapshot probe_all();

  Web3SignerClient& client_;
  const std::chrono::milliseconds interval_;

  mutable std::mutex snapshot_mutex_;  // guards snapshot_ only
  Web3SignerHealthSnapshot snapshot_;

  std::mutex wake_mutex_;  // guards stop_ and wake_ only
  std::condition_variable wake_cv_;
  bool stop_ = false;
  bool wake_ = false;
  std::thread thread_;
};

}  // namespace cryftee
