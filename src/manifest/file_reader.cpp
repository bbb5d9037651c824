#include "manifest/file_reader.h"

#include <fstream>
#include <system_error>

#include "util/error.h"

namespace cryftee {

std::optional<std::string> read_small_file(const std::filesystem::path& path, std::size_t max_bytes) {
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (status.type() == std::filesystem::file_type::not_found) return std::nullopt;
  if (error) throw internal_error("cannot read " + path.string() + ": " + error.message(), "file_unreadable");
  if (status.type() != std::filesystem::file_type::regular) {
    throw bad_request(path.string() + " is not a regular file", "not_a_file");
  }
  const auto size = std::filesystem::file_size(path, error);
  if (error) throw internal_error("cannot read " + path.string() + ": " + error.message(), "file_unreadable");
  if (size > max_bytes) {
    throw bad_request(path.string() + " is " + std::to_string(size) + " bytes, more than the " +
                          std::to_string(max_bytes) + " allowed",
                      "file_too_large");
  }
  std::ifstream in(path, std::ios::binary);
  std::string text(static_cast<std::size_t>(size), '\0');
  if (!in || !in.read(text.data(), static_cast<std::streamsize>(text.size()))) {
    throw internal_error("cannot read " + path.string(), "file_unreadable");
  }
  return text;
}

}  // namespace cryftee
