#include "service/systemd_notify.h"

#include <systemd/sd-daemon.h>

#include "util/log.h"

namespace cryftee::service {
namespace {

// STATUS= is one line: a newline would start another assignment.
std::string one_line(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

void notify(const std::string& state) {
  // 0 (no NOTIFY_SOCKET) is the normal case outside systemd; below 0 the manager could not be told.
  if (const int result = sd_notify(0, state.c_str()); result < 0) {
    log::warn("service_notify_failed", {{"error", -result}});
  }
}

}  // namespace

void notify_ready(const std::string& status) { notify("READY=1\nSTATUS=" + one_line(status)); }
void notify_status(const std::string& status) { notify("STATUS=" + one_line(status)); }
void notify_stopping(const std::string& status) { notify("STOPPING=1\nSTATUS=" + one_line(status)); }

}  // namespace cryftee::service
