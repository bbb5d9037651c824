#pragma once
// The --help and --version texts, generated from the settings table so they cannot drift from the
// parser.
#include <string>

namespace cryftee::config {

std::string help_text();
std::string version_text();  // "cryftee <version> (module ABI <abi>)"

}  // namespace cryftee::config
