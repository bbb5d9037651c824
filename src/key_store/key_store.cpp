#include "key_store/key_store.h"

#include "crypto/sha256.h"
#include "key_store/record_files.h"
#include "util/canonical_json.h"
#include "util/encoding.h"
#include "util/error.h"
#include "util/log.h"

namespace cryftee::key_store {
namespace {

bool is_temp_file(const std::string& name) {
  return name.starts_with(".") && name.find(kTempMarker) != std::string::npos;
}

// Zeroes a secret on every path out.
struct SecretBytes {
  Bytes bytes;
  ~SecretBytes() { secure_zero(bytes); }
};

}  // namespace

std::string_view state_name(RecordState state) noexcept {
  switch (state) {
    case RecordState::Loaded: return "loaded";
    case RecordState::Unusable: return "unusable";
    case RecordState::Damaged: return "damaged";
  }
  return "damaged";
}

KeyStore::KeyStore(const std::filesystem::path& key_data_dir, Sealer& sealer)
    : dir_(key_data_dir / std::string(kStoreFolder)), sealer_(sealer) {}

void KeyStore::set(RecordEntry entry) {
  std::lock_guard lock(mutex_);
  entries_[entry.file] = std::move(entry);
}

void KeyStore::open(const Take& take, bool remove_temp_files) {
  ensure_private_dir(dir_);
  std::size_t opened = 0;
  std::size_t wrong_passphrase = 0;
  std::vector<std::string> temp_files;
  for (const std::string& name : file_names(dir_)) {
    if (is_temp_file(name)) {
      temp_files.push_back(name);
      continue;
    }
    if (!is_record_file_name(name)) {
      log::warn("key_store_foreign_file", {{"file", name}, {"message", "not a key record; left alone"}});
      continue;
    }
    RecordEntry entry{name, std::nullopt, RecordState::Damaged, {}};
    try {
      KeyRecord record = parse_record(read_file(dir_ / name));
      if (record_file_name(record.handle) != name) {
        throw unprocessable("the record is damaged: its handle is not its file name", "damaged_record");
      }
      entry.record = record;
      entry.state = RecordState::Unusable;
      if (record.sealer != sealer_.kind()) {
        throw unprocessable("it was sealed by the '" + record.sealer + "' sealer and this daemon runs the '" +
                                std::string(sealer_.kind()) + "' sealer; start with --sealer " + record.sealer +
                                ", or move it with `cryftee keys backup` / `restore`",
                            "other_sealer");
      }
      SecretBytes secret{sealer_.unseal(record.sealed, record.handle)};
      take(record, secret.bytes);
      entry.state = RecordState::Loaded;
      ++opened;
    } catch (const Error& error) {
      if (error.code() == "wrong_seal_passphrase") ++wrong_passphrase;
      entry.reason = error.what();
      log::error("key_record_not_loaded", {{"file", name}, {"state", state_name(entry.state)},
                                           {"code", error.code()}, {"reason", error.what()}});
    }
    if (entry.state == RecordState::Loaded) {
      log::info("key_record_loaded", {{"file", name}, {"kind", kind_name(entry.record->kind)},
                                      {"publicKey", entry.record->public_key}, {"sealer", entry.record->sealer}});
    }
    set(std::move(entry));
  }
  if (opened == 0 && wrong_passphrase > 0) {
    throw Error(403, "wrong_seal_passphrase",
                "the seal passphrase opens none of the " + std::to_string(wrong_passphrase) + " key record(s) in " +
                    dir_.string() +
                    "; start with the passphrase they were sealed with (CRYFTEE_SEAL_PASSPHRASE, "
                    "--seal-passphrase-file or the systemd credential seal_passphrase). No file was changed");
  }
  // Writes interrupted before their rename: they never became records, and nobody was told they had.
  if (!remove_temp_files) return;
  for (const std::string& name : temp_files) {
    remove_file_durably(dir_, name);
    log::warn("key_store_temp_removed", {{"file", name}});
  }
}

void KeyStore::write(KeyRecord record, ByteView secret) {
  record.sealer = std::string(sealer_.kind());
  record.sealed = sealer_.seal(secret, record.handle);
  const std::string name = record_file_name(record.handle);
  write_file_atomically(dir_, name, record_text(record));
  log::info("key_record_written", {{"file", name}, {"kind", kind_name(record.kind)}, {"publicKey", record.public_key},
                                   {"sealer", record.sealer}, {"origin", record.origin}});
  set(RecordEntry{name, std::move(record), RecordState::Loaded, {}});
}

bool KeyStore::remove(const std::string& handle) {
  const std::string name = record_file_name(handle);
  const bool removed = remove_file_durably(dir_, name);
  std::lock_guard lock(mutex_);
  entries_.erase(name);
  return removed;
}

bool KeyStore::holds(const std::string& handle) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(record_file_name(handle));
  return it != entries_.end() && it->second.state == RecordState::Loaded;
}

std::optional<KeyRecord> KeyStore::record(const std::string& handle) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(record_file_name(handle));
  if (it == entries_.end()) return std::nullopt;
  return it->second.record;
}

std::vector<RecordEntry> KeyStore::entries() const {
  std::lock_guard lock(mutex_);
  std::vector<RecordEntry> out;
  for (const auto& [name, entry] : entries_) out.push_back(entry);
  return out;
}

std::string KeyStore::public_records_hash() const {
  nlohmann::json records = nlohmann::json::array();
  for (const RecordEntry& entry : entries()) {  // sorted by file name, that is by handle
    if (entry.state == RecordState::Loaded && entry.record) records.push_back(public_view(*entry.record));
  }
  return "sha256:" + hex_encode(sha256(as_bytes(canonical_json(records))));
}

}  // namespace cryftee::key_store
