#pragma once
// The sealed key store: one record file per key (key_record.h) in a private folder inside the key data
// folder. cryftgo writes its own files (cryftee_config.json, bls_pubkey, tls_pubkey) into the key data
// folder, so the store keeps to its subfolder kStoreFolder.
//
// - open(): reads every record at start. A record that opens is handed to the caller with its secret (to
//   go into memory custody); one that cannot be read, is damaged, or cannot be unsealed is listed with its
//   reason and logged, and its file is left exactly as it is: never replaced or regenerated. When every
//   record sealed under the passphrase refuses it, start-up stops (403 wrong_seal_passphrase): a wrong
//   passphrase must not look like an empty store. Stale temp files of interrupted writes are removed.
// - write(): seals the secret and writes the record atomically (record_files.h); when it throws, no record
//   was written.
// - remove(): deletes a record for good.
//
// Thread-safe: the table of records is guarded by one mutex; sealing and file writes run outside it.
#include <filesystem>
#include <functional>
#include <mutex>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "key_store/key_record.h"
#include "key_store/sealer.h"
#include "util/bytes.h"

namespace cryftee::key_store {

inline constexpr std::string_view kStoreFolder = "cryftee-keys";

enum class RecordState { Loaded, Unusable, Damaged };
std::string_view state_name(RecordState state) noexcept;

// What the store knows about one file: the record when it parsed, its state and, unless loaded, why.
struct RecordEntry {
  std::string file;
  std::optional<KeyRecord> record;
  RecordState state = RecordState::Loaded;
  std::string reason;
};

class KeyStore {
 public:
  // Receives each record that opened and its secret; the store zeroes the secret afterwards. Throws
  // cryftee::Error when the key cannot be taken (the record is then listed as unusable with that reason).
  using Take = std::function<void(const KeyRecord& record, ByteView secret)>;

  // `key_data_dir` is the configured key data folder; the store lives in its subfolder kStoreFolder.
  // `sealer` must be durable and outlive the store.
  KeyStore(const std::filesystem::path& key_data_dir, Sealer& sealer);

  // Creates the folder when needed and reads every record (see above). Call once, before any write().
  // `remove_temp_files` is false for readers beside a running daemon (backup), whose writes may be under
  // way.
  void open(const Take& take, bool remove_temp_files = true);

  // Seals `secret` under `record.handle` and writes the record; `record.sealer` and `record.sealed` are
  // filled in here. Throws cryftee::Error (503 key_store_io, the sealer's errors); nothing is written then.
  void write(KeyRecord record, ByteView secret);
  // Deletes the record of `handle`; false when there is none.
  bool remove(const std::string& handle);

  bool holds(const std::string& handle) const;
  std::optional<KeyRecord> record(const std::string& handle) const;
  std::vector<RecordEntry> entries() const;
  // SHA-256 ("sha256:<hex>") over the canonical JSON of the public facts of every loaded record, sorted by
  // handle: which identity this instance holds, for attestation.
  std::string public_records_hash() const;

  const std::filesystem::path& dir() const noexcept { return dir_; }
  Sealer& sealer() const noexcept { return sealer_; }

 private:
  void set(RecordEntry entry);

  std::filesystem::path dir_;
  Sealer& sealer_;
  mutable std::mutex mutex_;  // guards entries_
  std::map<std::string, RecordEntry, std::less<>> entries_;  // by file name
};

}  // namespace cryftee::key_store
