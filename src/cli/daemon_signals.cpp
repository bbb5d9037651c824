#include "cli/daemon_signals.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <string>

#include "util/log.h"

namespace cryftee::cli {
namespace {

sigset_t daemon_signal_set() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return set;
}

const char* signal_name(std::uint32_t number) {
  switch (number) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    default: return "other";
  }
}

}  // namespace

void DaemonSignals::block_in_this_thread() {
  const sigset_t set = daemon_signal_set();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

DaemonSignals::DaemonSignals(SignalActions actions, std::chrono::milliseconds deadline)
    : actions_(std::move(actions)), deadline_(deadline) {
  const sigset_t set = daemon_signal_set();
  signal_fd_ = signalfd(-1, &set, SFD_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_CLOEXEC);
  if (signal_fd_ < 0 || wake_fd_ < 0) {
    const std::string reason = std::strerror(errno);
    if (signal_fd_ >= 0) ::close(signal_fd_);
    if (wake_fd_ >= 0) ::close(wake_fd_);
    throw std::runtime_error("cannot watch for signals: " + reason);
  }
  watcher_ = std::thread([this] { watch(); });
}

DaemonSignals::~DaemonSignals() {
  {
    std::lock_guard lock(mutex_);
    finished_ = true;
  }
  finished_changed_.notify_all();
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto written = ::write(wake_fd_, &one, sizeof one);
  watcher_.join();
  ::close(signal_fd_);
  ::close(wake_fd_);
}

void DaemonSignals::watch() {
  for (;;) {
    std::array<pollfd, 2> fds{pollfd{signal_fd_, POLLIN, 0}, pollfd{wake_fd_, POLLIN, 0}};
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      log::error("signal_watch_failed", {{"error", std::strerror(errno)}});
      return;
    }
    if (fds[1].revents != 0) return;
    signalfd_siginfo info{};
    if (::read(signal_fd_, &info, sizeof info) != static_cast<ssize_t>(sizeof info)) continue;
    log::info("signal_received", {{"signal", signal_name(info.ssi_signo)}});
    if (info.ssi_signo == SIGHUP) {
      actions_.reload();
      continue;
    }
    actions_.stop();
    return wait_for_orderly_stop();
  }
}

void DaemonSignals::wait_for_orderly_stop() {
  std::unique_lock lock(mutex_);
  if (finished_changed_.wait_for(lock, deadline_, [this] { return finished_; })) return;
  lock.unlock();
  actions_.force_exit();
}

}  // namespace cryftee::cli
