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
// CPU seconds a process has used, in user space and in the kernel on its behalf.
struct ProcessCpu {
  double user = 0;
  double system = 0;
  double total() const { return user + system; }
  ProcessCpu operator-(const ProcessCpu& before) const { return {user - before.user, system - before.system}; }
};
// From /proc/<pid>/stat (clock-tick resolution); nullopt when unreadable.
std::optional<ProcessCpu> proc_cpu(pid_t pid);

}  // namespace cryftee::bench
