#include "config/file_text.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "config/loader.h"
#include "config/values.h"

namespace cryftee::config {
namespace {

[[noreturn]] void cannot_read(const std::filesystem::path& file, const std::string& named_by, const std::string& reason,
                              const std::string& what) {
  throw ConfigError(named_by + ": " + quoted_for_message(file.native()) + " cannot be read (" + reason +
                    ") (accepted: " + what + ")");
}

}  // namespace

void require_readable_file(const std::filesystem::path& file, const std::string& named_by, const std::string& what) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) cannot_read(file, named_by, std::strerror(errno), what);
  struct stat status {};
  const bool regular = ::fstat(fd, &status) == 0 && S_ISREG(status.st_mode);
  ::close(fd);
  if (!regular) cannot_read(file, named_by, "not a regular file", what);
}

std::string read_named_file(const std::filesystem::path& file, const std::string& named_by, const std::string& what) {
  require_readable_file(file, named_by, what);
  std::ifstream stream(file, std::ios::binary);
  std::ostringstream text;
  text << stream.rdbuf();
  if (!stream && !stream.eof()) cannot_read(file, named_by, "read failed", what);
  return text.str();
}

}  // namespace cryftee::config
