#include "config/help.h"

#include "config/environment.h"
#include "config/settings.h"
#include "version.h"

namespace cryftee::config {
namespace {

std::string flag_line(const Setting& setting) {
  std::string line = "  ";
  if (setting.flag.empty()) {
    line += setting.env;
    line += " (environment only)";
  } else {
    line += setting.flag;
    if (!setting.value_name.empty()) {
      line += " ";
      line += setting.value_name;
    }
    if (!setting.negative_flag.empty()) {
      line += ", ";
      line += setting.negative_flag;
    }
  }
  return line + "\n";
}

std::string where_line(const Setting& setting) {
  std::string line = "      ";
  if (!setting.flag.empty()) {
    line += "env ";
    line += setting.env;
  }
  if (setting.in_toml) {
    line += line.size() > 6 ? " | file " : "file ";
    line += setting.id;
  }
  line += line.size() > 6 ? " | default " : "default ";
  line += setting.default_text.empty() ? "not set" : setting.default_text;
  return line + "\n";
}

}  // namespace

std::string version_text() {
  return std::string("cryftee ") + kCryfteeVersion + " (module ABI " + std::to_string(kAbiVersion) + ")";
}

std::string help_text() {
  std::string text = version_text() + " - signing sidecar for a Cryft validator\n\n";
  text +=
      "Usage: cryftee [flags]               run the signing daemon\n"
      "       cryftee module <verb> ...     publisher tools: keygen, hash, sign, verify\n"
      "       cryftee attest verify ...     check a signed attestation document\n\n"
      "Each setting is taken from, highest precedence first: its flag, its environment variable, the TOML\n"
      "file named by --config or CRYFTEE_CONFIG, cryftgo's JSON file named by CRYFTEE_CONFIG_FILE, its default.\n"
      "Booleans accept true, false, 1, 0, yes, no (on the command line as --flag=false). Empty environment\n"
      "variables count as unset.\n\n"
      "General:\n"
      "  --config PATH\n"
      "      env ";
  text += kTomlFileVariable;
  text +=
      " | default not set\n"
      "      TOML config file; see config/cryftee.example.toml. Unknown keys in it are errors.\n"
      "  ";
  text += kCryftgoFileVariable;
  text +=
      " (environment only)\n"
      "      default not set\n"
      "      JSON config file written by cryftgo; keys we do not read are ignored.\n"
      "  -h, --help\n"
      "      Print this help and exit.\n"
      "  --version\n"
      "      Print the version and the module ABI version and exit.\n";

  std::string_view group;
  for (const auto& setting : settings()) {
    if (setting.group != group) {
      group = setting.group;
      text += "\n";
      text += group;
      text += ":\n";
    }
    text += flag_line(setting);
    text += where_line(setting);
    text += "      ";
    text += setting.help;
    text += "\n";
  }
  return text;
}

}  // namespace cryftee::config
