#pragma once
// Where an installed cryftee finds its files. A binary at <prefix>/bin/cryftee with <prefix>/share/cryftee
// beside it is installed (the .deb puts it at /usr/bin/cryftee with /usr/share/cryftee); its defaults then
// point into that layout. A binary anywhere else (build/cryftee) keeps the working-directory defaults of
// config/defaults.h. Deciding from the binary's own place, not from a build flag, lets one build serve both
// and lets an unpacked package run from any root (docs/install.md).
#include <filesystem>
#include <optional>

namespace cryftee::config {

struct InstallLayout {
  std::filesystem::path module_dir;    // <prefix>/share/cryftee/modules
  std::filesystem::path ui_dir;        // <prefix>/share/cryftee/ui
  std::filesystem::path trust_config;  // <sysconfdir>/cryftee/trust.toml: /etc for the prefix /usr
};

// The layout around `executable`, or nullopt when it is not an installed binary.
std::optional<InstallLayout> install_layout_of(const std::filesystem::path& executable);

// The layout around the running binary (/proc/self/exe).
std::optional<InstallLayout> running_install_layout();

}  // namespace cryftee::config
