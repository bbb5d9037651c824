#include "key_store/record_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include "util/error.h"

namespace cryftee::key_store {
namespace {

constexpr mode_t kDirMode = 0700;
constexpr mode_t kFileMode = 0600;

Error io_error(const std::string& what, const std::filesystem::path& path, int error_number) {
  return unavailable("key store: cannot " + what + " " + path.string() + ": " + std::strerror(error_number),
                     "key_store_io");
}

// Closes a descriptor on every path out.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

void sync_dir(const std::filesystem::path& dir) {
  Fd handle{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (handle.fd < 0) throw io_error("open the folder", dir, errno);
  if (::fsync(handle.fd) != 0) throw io_error("sync the folder", dir, errno);
}

std::string temp_name(std::string_view name) {
  std::random_device random;
  const std::uint64_t tag = (static_cast<std::uint64_t>(random()) << 32) | random();
  return "." + std::string(name) + std::string(kTempMarker) + std::to_string(::getpid()) + "-" + std::to_string(tag);
}

}  // namespace

void ensure_private_dir(const std::filesystem::path& dir) {
  std::error_code ignored;
  std::filesystem::create_directories(dir, ignored);
  struct stat info {};
  if (::stat(dir.c_str(), &info) != 0) throw io_error("create the folder", dir, errno);
  if (!S_ISDIR(info.st_mode)) throw unavailable("key store: " + dir.string() + " is not a folder", "key_store_io");
  if (info.st_uid != ::geteuid()) {
    throw Error(403, "key_store_permissions",
                "key store: " + dir.string() + " belongs to another user (uid " + std::to_string(info.st_uid) +
                    "); give it to the user Cryftee runs as");
  }
  if ((info.st_mode & 0777) != kDirMode && ::chmod(dir.c_str(), kDirMode) != 0) {
    throw io_error("make private (0700)", dir, errno);
  }
}

void write_file_atomically(const std::filesystem::path& dir, std::string_view name, std::string_view text) {
  const std::filesystem::path temp = dir / temp_name(name);
  const std::filesystem::path target = dir / std::string(name);
  {
    Fd handle{::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, kFileMode)};
    if (handle.fd < 0) throw io_error("create", temp, errno);
    std::size_t written = 0;
    while (written < text.size()) {
      const ssize_t n = ::write(handle.fd, text.data() + written, text.size() - written);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        const int error_number = errno;
        ::unlink(temp.c_str());
        throw io_error("write", temp, error_number);
      }
      written += static_cast<std::size_t>(n);
    }
    if (::fsync(handle.fd) != 0) {
      const int error_number = errno;
      ::unlink(temp.c_str());
      throw io_error("sync", temp, error_number);
    }
  }
  if (::rename(temp.c_str(), target.c_str()) != 0) {
    const int error_number = errno;
    ::unlink(temp.c_str());
    throw io_error("rename into", target, error_number);
  }
  sync_dir(dir);
}

bool remove_file_durably(const std::filesystem::path& dir, std::string_view name) {
  const std::filesystem::path target = dir / std::string(name);
  if (::unlink(target.c_str()) != 0) {
    if (errno == ENOENT) return false;
    throw io_error("remove", target, errno);
  }
  sync_dir(dir);
  return true;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw io_error("read", path, errno);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw io_error("read", path, errno);
  return text.str();
}

std::vector<std::string> file_names(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    if (entry.is_regular_file()) names.push_back(entry.path().filename().string());
  }
  if (error) throw unavailable("key store: cannot list " + dir.string() + ": " + error.message(), "key_store_io");
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace cryftee::key_store
