#pragma once
#include <array>
#include <filesystem>
#include <string>

#include "util/bytes.h"

namespace cryftee {

using Sha256Digest = std::array<std::uint8_t, 32>;

Sha256Digest sha256(ByteView data);
// "sha256:<lower-case hex>", the form hashes take in manifests and attestations.
std::string sha256_tagged(ByteView data);
// Hashes a file's contents; throws cryftee::Error (500) when it cannot be read.
Sha256Digest sha256_file(const std::filesystem::path& path);

}  // namespace cryftee
