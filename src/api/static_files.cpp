#include "api/static_files.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <iterator>
#include <string_view>
#include <utility>

#include "util/error.h"

namespace cryftee::api {
namespace {

constexpr std::string_view kIndexFile = "index.html";

constexpr std::array<std::pair<std::string_view, std::string_view>, 18> kContentTypes{{
    {".html", "text/html; charset=utf-8"},
    {".htm", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".map", "application/json"},
    {".txt", "text/plain; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".jpeg", "image/jpeg"},
    {".gif", "image/gif"},
    {".webp", "image/webp"},
    {".ico", "image/x-icon"},
    {".woff", "font/woff"},
    {".woff2", "font/woff2"},
    {".wasm", "application/wasm"},
}};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Error no_such_file(const std::string& path) {
  return not_found("the kiosk has no file " + path, "file_not_found");
}

// Percent-decodes the URL path; false on malformed escapes, NUL bytes or backslashes.
bool decode_path(std::string_view encoded, std::string& decoded) {
  decoded.clear();
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    char c = encoded[i];
    if (c == '%') {
      if (i + 2 >= encoded.size() || hex_value(encoded[i + 1]) < 0 || hex_value(encoded[i + 2]) < 0) return false;
      c = static_cast<char>(hex_value(encoded[i + 1]) * 16 + hex_value(encoded[i + 2]));
      i += 2;
    }
    if (c == '\0' || c == '\\') return false;
    decoded += c;
  }
  return true;
}

// The file's path relative to the root, or empty when any segment is empty or starts with a dot
// (".", ".." and hidden files).
std::filesystem::path relative_file(const std::string& url_path) {
  std::string decoded;
  if (!decode_path(url_path, decoded) || decoded.empty() || decoded.front() != '/') return {};
  if (decoded.back() == '/') decoded += kIndexFile;
  std::filesystem::path relative;
  std::string_view rest(decoded);
  rest.remove_prefix(1);
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    if (segment.empty() || segment.front() == '.') return {};
    relative /= std::string(segment);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
  }
  return relative;
}

}  // namespace

void add_kiosk_security_headers(Response& response) {
  const auto has = [&](std::string_view name) {
    return std::any_of(response.headers.begin(), response.headers.end(), [&](const auto& header) {
      return std::equal(header.first.begin(), header.first.end(), name.begin(), name.end(),
                        [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
    });
  };
  if (!has("content-security-policy")) response.headers.emplace_back("Content-Security-Policy", kKioskContentSecurityPolicy);
  if (!has("x-content-type-options")) response.headers.emplace_back("X-Content-Type-Options", "nosniff");
}

std::string content_type_for(const std::filesystem::path& file) {
  std::string extension = file.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const auto& [known, type] : kContentTypes) {
    if (extension == known) return std::string(type);
  }
  return "application/octet-stream";
}

Response StaticFiles::serve(const Request& request) const {
  const std::filesystem::path relative = relative_file(request.path);
  if (relative.empty()) throw no_such_file(request.path);
  std::error_code error;
  const auto root = std::filesystem::canonical(root_, error);
  if (error) throw not_found("the kiosk directory " + root_.string() + " does not exist; set --ui-dir", "kiosk_missing");
  // canonical() resolves symlinks, so a link pointing out of the root is caught by the prefix check.
  const auto file = std::filesystem::canonical(root / relative, error);
  if (error || !std::filesystem::is_regular_file(file, error)) throw no_such_file(request.path);
  const auto [root_end, file_it] = std::mismatch(root.begin(), root.end(), file.begin(), file.end());
  if (root_end != root.end()) throw no_such_file(request.path);

  std::ifstream in(file, std::ios::binary);
  if (!in) throw no_such_file(request.path);
  Response response;
  response.content_type = content_type_for(file);
  response.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  response.headers.emplace_back("Cache-Control", "no-cache");
  add_kiosk_security_headers(response);
  return response;
}

}  // namespace cryftee::api
