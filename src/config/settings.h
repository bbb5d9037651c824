#pragma once
// One row of the settings table: how a setting is spelled on each layer (flag, environment variable,
// TOML key, cryftgo JSON key), its default as shown to users, and how a raw value is applied to the
// Config. Flags, --help, the TOML reader and docs/configuration.md all come from this one table.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/config.h"

namespace cryftee::config {

// Lowest precedence first: a later layer overrides an earlier one.
enum class Layer { CryftgoJson, TomlFile, Environment, Flag };

enum class ValueKind { Text, Boolean, Integer, List };

// A value as the user wrote it: one text, or (from a TOML/JSON array) a list of texts.
using RawValue = std::variant<std::string, std::vector<std::string>>;

// One value for one setting from one layer. `origin` names the setting as the user wrote it, e.g.
// "--max-body-bytes", "CRYFTEE_MAX_BODY_BYTES" or "/etc/cryftee.toml:12: limits.max_body_bytes".
struct Assignment {
  std::string_view setting_id;
  RawValue value;
  std::string origin;
  Layer layer;
  // Set when a file holds a value of a type the setting cannot take: applying the assignment then fails
  // with this message. Kept until then, so that a higher layer overriding the value can rescue start-up.
  std::optional<std::string> problem;
};

// The Config while it is being resolved, with what the final checks need to know about its origins.
struct Draft {
  Config config;
  // Secrets that can come from a variable or from a file; resolved by the final checks.
  std::optional<std::filesystem::path> admin_token_file;
  std::optional<std::string> admin_token;  // from CRYFTEE_ADMIN_TOKEN
  std::optional<std::filesystem::path> web3signer_auth_token_file;
  std::optional<std::string> web3signer_auth_token;  // from CRYFTEE_WEB3SIGNER_AUTH_TOKEN
  std::optional<std::filesystem::path> web3signer_keystore_password_file;
  std::optional<std::string> web3signer_keystore_password;  // from CRYFTEE_WEB3SIGNER_KEYSTORE_PASSWORD
  std::optional<std::filesystem::path> seal_passphrase_file;
  std::optional<std::string> seal_passphrase;  // from CRYFTEE_SEAL_PASSPHRASE
  struct Source {
    std::string origin;
    Layer layer;
  };
  std::map<std::string, Source, std::less<>> sources;  // setting id -> where its final value came from

  // How the user wrote the setting that gave `id` its value, or `fallback` when it kept its default.
  std::string origin_of(std::string_view id, std::string_view fallback) const;
};

struct Setting {
  std::string_view id;             // stable name; also the TOML key when the file accepts it
  std::string_view group;          // heading in --help and the docs
  std::string_view flag;           // "--module-dir"; empty when the setting has no flag
  std::string_view negative_flag;  // "--no-kiosk" for booleans that default to true
  std::string_view env;            // "CRYFTEE_MODULE_DIR"
  bool in_toml = true;             // false for secrets, which never belong in a config file
  std::string_view cryftgo_key;    // key in cryftgo's JSON file, or empty
  std::string_view value_name;     // shown after the flag in --help: PATH, N, uds|https ...
  std::string default_text;        // as shown to users; empty when unset by default
  std::string help;
  ValueKind kind = ValueKind::Text;
  bool secret = false;
  std::function<void(Draft&, const Assignment&)> apply;  // throws ConfigError
};

// Every setting, in the order --help and the docs list them.
const std::vector<Setting>& settings();
const Setting* find_setting(std::string_view id);

}  // namespace cryftee::config
