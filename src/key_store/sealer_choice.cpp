#include "key_store/sealer_choice.h"

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <set>

#include "key_store/key_record.h"
#include "key_store/key_store.h"
#include "key_store/none_sealer.h"
#include "key_store/passphrase_sealer.h"
#include "key_store/record_files.h"
#include "key_store/tpm_sealer.h"
#include "util/error.h"
#include "util/log.h"

namespace cryftee::key_store {
namespace {

Error refuse(const std::string& line) { return bad_request(line, "sealer_unavailable"); }

// The systemd credential, when the service was started with LoadCredential=seal_passphrase:... . systemd
// makes the file readable by the service only.
std::optional<std::string> credential_passphrase() {
  const char* dir = std::getenv("CREDENTIALS_DIRECTORY");
  if (dir == nullptr || *dir == '\0') return std::nullopt;
  const std::filesystem::path path = std::filesystem::path(dir) / defaults::kSealPassphraseCredential;
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) return std::nullopt;
  std::string text = read_file(path);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

std::optional<std::string> passphrase_of(const Config& config) {
  if (config.key_store.seal_passphrase) return *config.key_store.seal_passphrase;
  return credential_passphrase();
}

std::unique_ptr<Sealer> passphrase_sealer(std::string passphrase) {
  try {
    return make_passphrase_sealer(passphrase);
  } catch (...) {
    secure_zero(passphrase);
    throw;
  }
}

std::unique_ptr<Sealer> tpm_sealer(const Config& config) {
  return make_tpm_sealer(TpmOptions{config.key_store.tpm_tcti, config.key_store.tpm_pcrs});
}

// The sealers that sealed the records already in the store. Files that do not parse are left to the
// store, which reports them when it opens.
std::set<std::string> sealers_in_store(const std::filesystem::path& key_data_dir) {
  const std::filesystem::path dir = key_data_dir / kStoreFolder;
  std::set<std::string> sealers;
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error)) return sealers;
  for (const std::string& file : file_names(dir)) {
    if (file.find(kTempMarker) != std::string::npos) continue;
    try {
      sealers.insert(parse_record(read_file(dir / file)).sealer);
    } catch (const Error&) {
    }
  }
  return sealers;
}

// auto with records in the store keeps to the sealer that sealed them: falling back to another one would
// start with every record unusable and seal new keys under a second sealer, so it refuses instead.
std::unique_ptr<Sealer> sealer_of_records(const Config& config, const std::string& kept) {
  const std::string where = "the keys in " + (*config.key_data_dir / kStoreFolder).string();
  if (kept == "tpm") {
    try {
      return tpm_sealer(config);
    } catch (const Error& error) {
      throw refuse(where + " are sealed by a TPM, and no TPM answers (" + error.what() + "): make it reachable "
                   "(--tpm-tcti); --sealer passphrase would start without those keys");
    }
  }
  std::optional<std::string> passphrase = passphrase_of(config);
  if (!passphrase) {
    throw refuse(where + " are sealed under a passphrase, and none is given: set CRYFTEE_SEAL_PASSPHRASE, "
                 "--seal-passphrase-file, or the systemd credential seal_passphrase");
  }
  log::info("sealer_auto", {{"chosen", "passphrase"}, {"reason", "the store's records are sealed under a passphrase"}});
  return passphrase_sealer(std::move(*passphrase));
}

}  // namespace

std::unique_ptr<Sealer> choose_sealer(const Config& config) {
  const std::string& name = config.key_store.sealer;
  if (!config.key_data_dir) {
    if (name == "tpm" || name == "passphrase") {
      throw refuse("--sealer " + name + " keeps keys in the key data folder, and none is set: set --key-data-dir "
                   "(CRYFTEE_KEY_DATA_DIR), or use --sealer none");
    }
    return make_none_sealer();
  }
  if (name == "none") return make_none_sealer();
  if (name == "passphrase") {
    std::optional<std::string> passphrase = passphrase_of(config);
    if (!passphrase) {
      throw refuse("--sealer passphrase needs a passphrase: set CRYFTEE_SEAL_PASSPHRASE, --seal-passphrase-file, or "
                   "the systemd credential seal_passphrase");
    }
    return passphrase_sealer(std::move(*passphrase));
  }
  if (name == "tpm") {
    try {
      return tpm_sealer(config);
    } catch (const Error& error) {
      throw refuse(std::string("--sealer tpm: ") + error.what());
    }
  }
  // auto
  if (const std::set<std::string> sealed_by = sealers_in_store(*config.key_data_dir);
      sealed_by.size() == 1 && (*sealed_by.begin() == "tpm" || *sealed_by.begin() == "passphrase")) {
    return sealer_of_records(config, *sealed_by.begin());
  }
  std::string tpm_reason;
  try {
    return tpm_sealer(config);
  } catch (const Error& error) {
    tpm_reason = error.what();
  }
  if (std::optional<std::string> passphrase = passphrase_of(config)) {
    log::info("sealer_auto", {{"chosen", "passphrase"}, {"tpm", tpm_reason}});
    return passphrase_sealer(std::move(*passphrase));
  }
  throw refuse("keys in " + config.key_data_dir->string() + " need a sealer and none is usable: no TPM answers (" +
               tpm_reason + ") and no seal passphrase is given. Fix one: make a TPM reachable (--tpm-tcti), or set "
               "CRYFTEE_SEAL_PASSPHRASE / --seal-passphrase-file; --sealer none keeps keys in memory only");
}

}  // namespace cryftee::key_store
