// `cryftee keys backup|restore`: moves sealed key records between machines. TPM-sealed records open only
// on their own TPM by design, so a backup re-seals each record's secret under a backup passphrase (the
// passphrase sealer) into one file an operator can keep offline; restore opens that file and seals every
// record under this machine's sealer into its key store. Both are off unless --allow-key-backup is given,
// both need read access to the key store folder (0700, its owner: the admin), and both write an audit line
// to the log naming each key (public facts only).
//
//   cryftee keys backup  --out FILE --backup-passphrase-file FILE [daemon settings: --key-data-dir, --sealer ...]
//   cryftee keys restore --in FILE  --backup-passphrase-file FILE [daemon settings]
//
// The daemon settings come from the same flags, environment and config files as the daemon's, so the
// command sees the key store and sealer the daemon uses. Exit 0 on success, 1 on failure (one line on
// stderr), 2 for a bad setting.
#include <sys/stat.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "config/loader.h"
#include "key_store/key_record.h"
#include "key_store/key_store.h"
#include "key_store/passphrase_sealer.h"
#include "key_store/record_check.h"
#include "key_store/record_files.h"
#include "key_store/sealer_choice.h"
#include "util/error.h"
#include "util/log.h"
#include "util/process_protection.h"
#include "util/time.h"

namespace cryftee::cli {
namespace {

constexpr int kDone = 0;
constexpr int kFailed = 1;
constexpr int kBadConfiguration = 2;
constexpr std::string_view kBackupFormat = "cryftee-key-backup/1";
constexpr const char* kUsage =
    "usage: cryftee keys backup  --out FILE --backup-passphrase-file FILE [daemon settings]\n"
    "       cryftee keys restore --in FILE  --backup-passphrase-file FILE [daemon settings]\n";

struct KeysArguments {
  std::string verb;
  std::optional<std::string> out;
  std::optional<std::string> in;
  std::optional<std::string> passphrase_file;
  std::vector<std::string> daemon_arguments{"cryftee"};
};

// Takes this command's own options out; everything else is a daemon setting.
std::optional<KeysArguments> parse_arguments(int argc, char** argv) {
  if (argc < 2) return std::nullopt;
  KeysArguments arguments;
  arguments.verb = argv[1];
  if (arguments.verb != "backup" && arguments.verb != "restore") return std::nullopt;
  for (int i = 2; i < argc; ++i) {
    const std::string argument = argv[i];
    std::optional<std::string>* own = argument == "--out"                      ? &arguments.out
                                      : argument == "--in"                     ? &arguments.in
                                      : argument == "--backup-passphrase-file" ? &arguments.passphrase_file
                                                                               : nullptr;
    if (own == nullptr) {
      arguments.daemon_arguments.push_back(argument);
      continue;
    }
    if (i + 1 >= argc) return std::nullopt;
    *own = argv[++i];
  }
  const bool has_file = arguments.verb == "backup" ? arguments.out.has_value() : arguments.in.has_value();
  if (!has_file || !arguments.passphrase_file) return std::nullopt;
  return arguments;
}

std::string read_backup_passphrase(const std::filesystem::path& file) {
  struct stat status {};
  if (::stat(file.c_str(), &status) != 0) throw bad_request("cannot read the backup passphrase file " + file.string());
  if ((status.st_mode & 0077) != 0) {
    throw bad_request("the backup passphrase file " + file.string() +
                      " is accessible by group or others; run chmod 600 on it");
  }
  std::string text = key_store::read_file(file);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

void write_new_file(const std::filesystem::path& path, const std::string& text) {
  if (std::filesystem::exists(path)) {
    throw bad_request(path.string() + " exists already; choose a new file name (a backup is never overwritten)");
  }
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  key_store::write_file_atomically(dir, path.filename().string(), text);
}

nlohmann::json audit_entry(const key_store::KeyRecord& record) {
  return {{"keyHandle", record.handle}, {"kind", key_store::kind_name(record.kind)}, {"publicKey", record.public_key}};
}

int backup(const Config& config, key_store::Sealer& backup_sealer, const std::filesystem::path& out) {
  const std::unique_ptr<key_store::Sealer> sealer = key_store::choose_sealer(config);
  if (!sealer->durable()) throw bad_request("there is no key store to back up: set --key-data-dir and a durable sealer");
  key_store::KeyStore store(*config.key_data_dir, *sealer);
  nlohmann::json records = nlohmann::json::array();
  nlohmann::json audit = nlohmann::json::array();
  store.open(
      [&](const key_store::KeyRecord& record, ByteView secret) {
        key_store::KeyRecord copy = record;
        copy.sealer = std::string(backup_sealer.kind());
        copy.sealed = backup_sealer.seal(secret, record.handle);
        records.push_back(nlohmann::json::parse(key_store::record_text(copy)));
        audit.push_back(audit_entry(record));
      },
      /*remove_temp_files=*/false);
  std::size_t not_saved = 0;
  for (const key_store::RecordEntry& entry : store.entries()) {
    if (entry.state != key_store::RecordState::Loaded) ++not_saved;
  }
  const nlohmann::json file = {{"format", kBackupFormat}, {"createdAt", rfc3339_utc(std::chrono::system_clock::now())},
                               {"records", records}};
  write_new_file(out, file.dump(2) + "\n");
  log::warn("key_backup_written", {{"file", out.string()}, {"keys", audit}, {"not_saved", not_saved}});
  std::cout << "backed up " << records.size() << " key record(s) to " << out.string()
            << (not_saved ? " (" + std::to_string(not_saved) + " record(s) could not be opened and are NOT in it)" : "")
            << "\n";
  return not_saved == 0 ? kDone : kFailed;
}

int restore(const Config& config, key_store::Sealer& backup_sealer, const std::filesystem::path& in) {
  const nlohmann::json file = nlohmann::json::parse(key_store::read_file(in), nullptr, false);
  if (!file.is_object() || file.value("format", "") != kBackupFormat || !file.contains("records") ||
      !file["records"].is_array()) {
    throw bad_request(in.string() + " is not a Cryftee key backup (format " + std::string(kBackupFormat) + ")");
  }
  const std::unique_ptr<key_store::Sealer> sealer = key_store::choose_sealer(config);
  if (!sealer->durable()) throw bad_request("there is no key store to restore into: set --key-data-dir and a durable sealer");
  key_store::KeyStore store(*config.key_data_dir, *sealer);
  bool has_attestation_key = false;
  store.open([&](const key_store::KeyRecord& record, ByteView) {
    has_attestation_key = has_attestation_key || record.kind == key_store::KeyKind::Attestation;
  });
  // Everything is opened and checked before anything is written: a backup restores whole or not at all.
  std::vector<std::pair<key_store::KeyRecord, Bytes>> opened;
  try {
    for (const nlohmann::json& item : file["records"]) {
      key_store::KeyRecord record = key_store::parse_record(item.dump());
      Bytes secret = backup_sealer.unseal(record.sealed, record.handle);
      opened.emplace_back(std::move(record), std::move(secret));
      key_store::require_secret_matches(opened.back().first, opened.back().second);
    }
  } catch (...) {
    for (auto& [record, secret] : opened) secure_zero(secret);
    throw;
  }
  nlohmann::json restored = nlohmann::json::array();
  std::size_t skipped = 0;
  for (auto& [record, secret] : opened) {
    const bool second_attestation_key = record.kind == key_store::KeyKind::Attestation && has_attestation_key;
    if (store.record(record.handle) || second_attestation_key) {
      ++skipped;
    } else {
      try {
        store.write(record, secret);
      } catch (...) {
        for (auto& [unused, bytes] : opened) secure_zero(bytes);
        throw;
      }
      restored.push_back(audit_entry(record));
    }
    secure_zero(secret);
  }
  log::warn("key_backup_restored", {{"file", in.string()}, {"keys", restored}, {"already_present", skipped}});
  std::cout << "restored " << restored.size() << " key record(s) into " << store.dir().string() << " under the '"
            << sealer->kind() << "' sealer" << (skipped ? ", " + std::to_string(skipped) + " already present" : "")
            << "\n";
  return kDone;
}

}  // namespace

int run_keys_command(int argc, char** argv) {
  std::optional<KeysArguments> arguments = parse_arguments(argc, argv);
  if (!arguments) {
    std::cerr << kUsage;
    return kBadConfiguration;
  }
  std::vector<const char*> daemon_argv;
  for (const std::string& argument : arguments->daemon_arguments) daemon_argv.push_back(argument.c_str());
  std::optional<Config> config;
  try {
    ConfigOutcome outcome =
        load_config(static_cast<int>(daemon_argv.size()), daemon_argv.data(), process_environment(), std::cout);
    if (!outcome.config) return outcome.exit_code;
    config = std::move(outcome.config);
  } catch (const ConfigError& error) {
    std::cerr << "cryftee keys: " << error.what() << '\n';
    return kBadConfiguration;
  }
  wipe_environment_variables({"CRYFTEE_SEAL_PASSPHRASE"});
  log::Level level = log::Level::Info;
  log::parse_level(config->log_level, level);
  log::configure(level, config->log_format);
  if (!config->key_store.allow_backup) {
    std::cerr << "cryftee keys: key backup and restore are off; run with --allow-key-backup "
                 "(CRYFTEE_ALLOW_KEY_BACKUP=true) to allow them\n";
    return kFailed;
  }
  try {
    std::string passphrase = read_backup_passphrase(*arguments->passphrase_file);
    const std::unique_ptr<key_store::Sealer> backup_sealer = key_store::make_passphrase_sealer(passphrase);
    return arguments->verb == "backup" ? backup(*config, *backup_sealer, *arguments->out)
                                       : restore(*config, *backup_sealer, *arguments->in);
  } catch (const Error& error) {
    std::cerr << "cryftee keys: " << error.what() << '\n';
    return kFailed;
  }
}

}  // namespace cryftee::cli
