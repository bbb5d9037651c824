#include "config/install_layout.h"

#include <system_error>

namespace cryftee::config {

std::optional<InstallLayout> install_layout_of(const std::filesystem::path& executable) {
  const std::filesystem::path bin_dir = executable.parent_path();
  if (bin_dir.filename() != "bin") return std::nullopt;
  const std::filesystem::path prefix = bin_dir.parent_path();
  const std::filesystem::path data_dir = prefix / "share" / "cryftee";
  std::error_code error;
  if (!std::filesystem::is_directory(data_dir, error)) return std::nullopt;
  // The FHS puts the configuration of /usr in /etc (and of an unpacked <root>/usr in <root>/etc); any
  // other prefix keeps its own etc/, as /usr/local/etc.
  const std::filesystem::path sysconf_dir = prefix.filename() == "usr" ? prefix.parent_path() / "etc" : prefix / "etc";
  return InstallLayout{data_dir / "modules", data_dir / "ui", sysconf_dir / "cryftee" / "trust.toml"};
}

std::optional<InstallLayout> running_install_layout() {
  std::error_code error;
  const std::filesystem::path executable = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) return std::nullopt;
  return install_layout_of(executable);
}

}  // namespace cryftee::config
