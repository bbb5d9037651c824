#pragma once
// What `cryftee module sign` does to a manifest, as a library function: for each chosen entry, set the
// publisher, hash the module file (and every file of its gui/ folder when the entry has "gui"), check
// the entry with the same parser the daemon uses, and sign it.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/bytes.h"

namespace cryftee {

struct SignedEntry {
  std::string id;
  std::string version;
  std::string hash;
};

// Signs, in `manifest` (a parsed manifest.json document), the entry with id `only_id`, or every entry
// when it is nullopt. Module files are looked up under `module_dir`. Throws cryftee::Error naming the
// module when an entry is malformed or its file is missing, and leaves nothing half-signed: `manifest`
// is changed only when every chosen entry could be signed.
std::vector<SignedEntry> sign_manifest(nlohmann::json& manifest, const std::filesystem::path& module_dir,
                                       const std::string& publisher_id, ByteView seed,
                                       const std::optional<std::string>& only_id);

}  // namespace cryftee
