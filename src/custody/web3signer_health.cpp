#include "custody/web3signer_health.h"

#include "util/log.h"

namespace cryftee {

Web3SignerHealthChecker::Web3SignerHealthChecker(Web3SignerClient& client, std::chrono::milliseconds interval)
    : client_(client), interval_(interval) {
  const auto urls = client_.urls();
  snapshot_.url = urls.empty() ? std::string() : urls[client_.preferred()];
  snapshot_.last_error = "Web3Signer has not been checked yet";
  thread_ = std::thread([this] { run(); });
}

Web3SignerHealthChecker::~Web3SignerHealthChecker() {
  {
    std::lock_guard lock(wake_mutex_);
    stop_ = true;
  }
  wake_cv_.notify_all();
  thread_.join();
}

Web3SignerHealthSnapshot Web3SignerHealthChecker::snapshot() const {
  std::lock_guard lock(snapshot_mutex_);
  return snapshot_;
}

void Web3SignerHealthChecker::check_now() {
  {
    std::lock_guard lock(wake_mutex_);
    wake_ = true;
  }
  wake_cv_.notify_all();
}

// The preferred URL first; the first one that answers becomes the verdict (and the client's preference).
// When none answers, the verdict is about the preferred URL.
Web3SignerHealthSnapshot Web3SignerHealthChecker::probe_all() {
  const auto urls = client_.urls();
  const std::size_t start = client_.preferred();
  Web3SignerHealthSnapshot first_failure;
  for (std::size_t step = 0; step < urls.size(); ++step) {
    const std::size_t index = (start + step) % urls.size();
    const Web3SignerProbe probe = client_.probe(index);
    Web3SignerHealthSnapshot verdict;
    verdict.reachable = probe.reachable;
    verdict.healthy = probe.healthy;
    verdict.last_error = probe.error;
    verdict.url = urls[index];
    verdict.checked_at = std::chrono::system_clock::now();
    if (probe.reachable) {
      if (index != start) client_.prefer(index);
      return verdict;
    }
    if (step == 0) first_failure = verdict;
  }
  return first_failure;
}

void Web3SignerHealthChecker::run() {
  for (;;) {
    Web3SignerHealthSnapshot next = probe_all();
    bool changed;
    {
      std::lock_guard lock(snapshot_mutex_);
      changed = next.reachable != snapshot_.reachable || next.healthy != snapshot_.healthy || !snapshot_.checked_at;
      snapshot_ = next;
    }
    if (changed) {
      auto fields = nlohmann::json{{"url", next.url}, {"reachable", next.reachable}, {"healthy", next.healthy}};
      if (!next.last_error.empty()) fields["error"] = next.last_error;
      if (next.reachable && next.healthy) log::info("web3signer_health", fields);
      else log::warn("web3signer_health", fields);
    }
    std::unique_lock lock(wake_mutex_);
    wake_cv_.wait_for(lock, interval_, [this] { return stop_ || wake_; });
    if (stop_) return;
    wake_ = false;
  }
}

}  // namespace cryftee
