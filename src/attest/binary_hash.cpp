#include "attest/binary_hash.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>

#include "crypto/sha256.h"
#include "util/encoding.h"
#include "util/error.h"
#include "util/log.h"

namespace cryftee {
namespace {

// /proc/self/exe follows the inode that was executed, so replacing the file on disk after start does not
// change what is reported.
constexpr const char* kRunningBinary = "/proc/self/exe";

// The running executable mapped read-only. The descriptor is closed as soon as the mapping exists, so
// hashing in the background holds none (the listeners' connection budgets count descriptors).
class MappedBinary {
 public:
  MappedBinary() {
    const int fd = ::open(kRunningBinary, O_RDONLY | O_CLOEXEC);
    struct stat info {};
    if (fd < 0 || ::fstat(fd, &info) != 0 || info.st_size <= 0) {
      if (fd >= 0) ::close(fd);
      throw internal_error(std::string("cannot read ") + kRunningBinary, "file_unreadable");
    }
    size_ = static_cast<std::size_t>(info.st_size);
    void* data = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (data == MAP_FAILED) throw internal_error(std::string("cannot map ") + kRunningBinary, "file_unreadable");
    data_ = static_cast<const std::uint8_t*>(data);
  }
  ~MappedBinary() { ::munmap(const_cast<std::uint8_t*>(data_), size_); }
  MappedBinary(const MappedBinary&) = delete;
  MappedBinary& operator=(const MappedBinary&) = delete;

  ByteView bytes() const { return {data_, size_}; }

 private:
  const std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

std::string hash_text(ByteView bytes) { return "sha256:" + hex_encode(sha256(bytes)); }

}  // namespace

std::string running_binary_hash() {
  const MappedBinary binary;
  return hash_text(binary.bytes());
}

std::shared_future<std::string> hash_running_binary_in_background() {
  // Mapped here, so a binary that cannot be read stops the start as before; only the hashing waits.
  auto binary = std::make_shared<const MappedBinary>();
  return std::async(std::launch::async, [binary]() mutable {
           std::string hash = hash_text(binary->bytes());
           // Unmapped now: the future (and this function object) lives as long as the daemon, and the
           // pages read would otherwise stay resident.
           binary.reset();
           log::info("core_binary_hash", {{"hash", hash}});
           return hash;
         }).share();
}

}  // namespace cryftee
