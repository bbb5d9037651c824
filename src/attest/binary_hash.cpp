#include "attest/binary_hash.h"

#include "crypto/sha256.h"
#include "util/encoding.h"
#include "util/log.h"

namespace cryftee {

std::string running_binary_hash() {
  // /proc/self/exe follows the inode that was executed, so replacing the file on disk after start does
  // not change what is reported.
  return "sha256:" + hex_encode(sha256_file("/proc/self/exe"));
}

std::shared_future<std::string> hash_running_binary_in_background() {
  return std::async(std::launch::async, [] {
           try {
             std::string hash = running_binary_hash();
             log::info("core_binary_hash", {{"hash", hash}});
             return hash;
           } catch (const std::exception& error) {
             log::error("core_binary_hash_failed", {{"message", error.what()}});
             throw;
           }
         }).share();
}

}  // namespace cryftee
