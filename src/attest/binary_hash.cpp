#include "attest/binary_hash.h"

#include "crypto/sha256.h"
#include "util/encoding.h"

namespace cryftee {

std::string running_binary_hash() {
  // /proc/self/exe follows the inode that was executed, so replacing the file on disk after start does
  // not change what is reported.
  return "sha256:" + hex_encode(sha256_file("/proc/self/exe"));
}

}  // namespace cryftee
