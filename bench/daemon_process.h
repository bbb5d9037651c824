#pragma once
// Starts the real cryftee binary as a child process and stops it again.
#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace cryftee::bench {

class DaemonProcess {
 public:
  // Spawns `binary args...` with stdout and stderr appended to `log_path`; throws std::runtime_error.
  DaemonProcess(const std::filesystem::path& binary, const std::vector<std::string>& args,
                const std::filesystem::path& log_path);
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;
  ~DaemonProcess();

  pid_t pid() const noexcept { return pid_; }
  // Throws std::runtime_error naming the log file when the daemon has exited.
  void require_running();
  // SIGTERM, then SIGKILL if it does not exit within kStopTimeout.
  void stop() noexcept;

 private:
  pid_t pid_ = -1;
  std::filesystem::path log_path_;
};

// A "Vm...:" figure of /proc/<pid>/status in KiB (e.g. "VmRSS", "VmHWM"); nullopt when unreadable.
std::optional<long> proc_status_kib(pid_t pid, const std::string& field);
// User and system CPU seconds the process has used (/proc/<pid>/stat), in clock ticks; nullopt when unreadable.
std::optional<double> proc_cpu_seconds(pid_t pid);

}  // namespace cryftee::bench
