#pragma once
// Tells the service manager how the daemon is doing (systemd Type=notify, sd_notify(3)): READY=1 once the
// registry is loaded and every listener accepts, STOPPING=1 when the drain begins, and STATUS= with one
// line for `systemctl status`. Started by anything else (no NOTIFY_SOCKET), every call does nothing.
#include <string>

namespace cryftee::service {

void notify_ready(const std::string& status);
void notify_status(const std::string& status);
void notify_stopping(const std::string& status);

}  // namespace cryftee::service
