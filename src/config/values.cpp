#include "config/values.h"

#include <arpa/inet.h>
#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>
#include <memory>

#include "config/defaults.h"
#include "config/loader.h"
#include "util/encoding.h"

namespace cryftee::config {
namespace {

constexpr std::size_t kMaxEchoedValueLength = 120;

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return std::string(text.substr(first, last - first + 1));
}

std::string joined(std::span<const std::string_view> choices) {
  std::string out;
  for (auto choice : choices) {
    if (!out.empty()) out += ", ";
    out += choice;
  }
  return out;
}

// The items of a list setting: a TOML/JSON array, or one text of comma-separated items.
std::vector<std::string> list_items(const Assignment& assignment, std::string_view accepted) {
  std::vector<std::string> items;
  if (const auto* list = std::get_if<std::vector<std::string>>(&assignment.value)) {
    for (const auto& item : *list) items.push_back(trimmed(item));
  } else {
    const auto& text = std::get<std::string>(assignment.value);
    if (trimmed(text).empty()) return items;
    std::size_t start = 0;
    while (true) {
      const auto comma = text.find(',', start);
      items.push_back(trimmed(std::string_view(text).substr(start, comma - start)));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  if (std::any_of(items.begin(), items.end(), [](const std::string& item) { return item.empty(); })) {
    reject(assignment, "has an empty item", accepted);
  }
  if (items.size() > defaults::kMaxListItems) {
    reject(assignment, "has too many items", std::string(accepted) + ", at most " +
                                                 std::to_string(defaults::kMaxListItems));
  }
  return items;
}

std::string value_for_message(const RawValue& value) {
  if (const auto* text = std::get_if<std::string>(&value)) return *text;
  std::string out = "[";
  for (const auto& item : std::get<std::vector<std::string>>(value)) {
    if (out.size() > 1) out += ", ";
    out += item;
  }
  return out + "]";
}

std::optional<std::uint64_t> decimal(std::string_view text) {
  std::uint64_t number = 0;
  if (text.empty() || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return number;
}

bool is_ip_address(const std::string& host, int family) {
  unsigned char buffer[sizeof(in6_addr)];
  return inet_pton(family, host.c_str(), buffer) == 1;
}

}  // namespace

std::string quoted_for_message(std::string_view value) {
  std::string out = "'";
  for (char c : value.substr(0, kMaxEchoedValueLength)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    } else {
      out += c;
    }
  }
  if (value.size() > kMaxEchoedValueLength) out += "...";
  return out + "'";
}

std::string rejection(const Assignment& assignment, std::string_view problem, std::string_view accepted, bool secret) {
  std::string message = assignment.origin + ": ";
  message += secret ? "the value" : quoted_for_message(value_for_message(assignment.value));
  message += " ";
  message += problem;
  message += " (accepted: ";
  message += accepted;
  if (secret) message += "; the value is not shown because it is a secret";
  message += ")";
  return message;
}

void reject(const Assignment& assignment, std::string_view problem, std::string_view accepted, bool secret) {
  throw ConfigError(rejection(assignment, problem, accepted, secret));
}

std::string parse_text(const Assignment& assignment) {
  const auto* text = std::get_if<std::string>(&assignment.value);
  if (text == nullptr) reject(assignment, "is a list", "a single value");
  return *text;
}

std::filesystem::path parse_path(const Assignment& assignment) {
  const auto text = parse_text(assignment);
  if (text.empty()) reject(assignment, "is empty", "a file system path");
  if (text.find('\0') != std::string::npos) reject(assignment, "contains a NUL byte", "a file system path");
  return text;
}

std::optional<bool> bool_from_text(std::string_view text) {
  std::string lower;
  for (char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "true" || lower == "1" || lower == "yes") return true;
  if (lower == "false" || lower == "0" || lower == "no") return false;
  return std::nullopt;
}

bool parse_bool(const Assignment& assignment) {
  const auto value = bool_from_text(trimmed(parse_text(assignment)));
  if (!value) reject(assignment, "is not a boolean", "true, false, 1, 0, yes, no");
  return *value;
}

std::uint64_t parse_integer(const Assignment& assignment, std::uint64_t min, std::uint64_t max) {
  const auto accepted = "a whole number from " + std::to_string(min) + " to " + std::to_string(max);
  const auto number = decimal(trimmed(parse_text(assignment)));
  if (!number) reject(assignment, "is not a whole number", accepted);
  if (*number < min || *number > max) reject(assignment, "is out of range", accepted);
  return *number;
}

std::string parse_choice(const Assignment& assignment, std::initializer_list<std::string_view> choices) {
  return parse_choice(assignment, std::span<const std::string_view>(choices.begin(), choices.size()));
}

std::string parse_choice(const Assignment& assignment, std::span<const std::string_view> choices) {
  const auto text = trimmed(parse_text(assignment));
  if (std::find(choices.begin(), choices.end(), text) == choices.end()) {
    reject(assignment, "is not one of the choices", joined(choices));
  }
  return text;
}

HostPort parse_host_port(const Assignment& assignment) {
  constexpr std::string_view kAccepted = "IPv4:port like 127.0.0.1:323 or [IPv6]:port like [::1]:323";
  const auto text = trimmed(parse_text(assignment));
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) reject(assignment, "has no port", kAccepted);
  std::string host = text.substr(0, colon);
  const std::string port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
    if (!is_ip_address(host, AF_INET6)) reject(assignment, "does not hold an IPv6 address in brackets", kAccepted);
  } else if (!is_ip_address(host, AF_INET)) {
    reject(assignment, "does not start with an IP address", kAccepted);
  }
  const auto port = decimal(port_text);
  if (!port || *port < 1 || *port > std::numeric_limits<unsigned short>::max()) {
    reject(assignment, "has a port outside 1-65535", kAccepted);
  }
  return HostPort{host, static_cast<unsigned short>(*port)};
}

std::string host_port_text(const HostPort& address) {
  const bool v6 = address.host.find(':') != std::string::npos;
  return (v6 ? "[" + address.host + "]" : address.host) + ":" + std::to_string(address.port);
}

std::string parse_sha256_reference(const Assignment& assignment) {
  constexpr std::string_view kAccepted = "sha256: followed by 64 hex digits";
  constexpr std::string_view kPrefix = "sha256:";
  std::string text = trimmed(parse_text(assignment));
  if (!text.starts_with(kPrefix)) reject(assignment, "does not start with sha256:", kAccepted);
  std::string digest = text.substr(kPrefix.size());
  const bool hex = std::all_of(digest.begin(), digest.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
  if (digest.size() != 64 || !hex) reject(assignment, "is not a SHA-256 digest", kAccepted);
  std::transform(digest.begin(), digest.end(), digest.begin(), [](char c) { return static_cast<char>(std::tolower(c)); });
  return std::string(kPrefix) + digest;
}

std::vector<std::string> parse_http_urls(const Assignment& assignment) {
  constexpr std::string_view kAccepted = "comma-separated http:// or https:// URLs without user names or passwords";
  std::vector<std::string> urls = list_items(assignment, kAccepted);
  for (const auto& url : urls) {
    std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> handle(curl_url(), curl_url_cleanup);
    if (!handle || curl_url_set(handle.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
      reject(assignment, "holds a malformed URL", kAccepted);
    }
    auto part = [&](CURLUPart which) {
      char* value = nullptr;
      if (curl_url_get(handle.get(), which, &value, 0) != CURLUE_OK || value == nullptr) return std::string();
      std::string out(value);
      curl_free(value);
      return out;
    };
    // Credentials would be echoed into errors and logs; Web3Signer access control belongs in TLS.
    if (!part(CURLUPART_USER).empty() || !part(CURLUPART_PASSWORD).empty()) {
      reject(assignment, "holds a URL with credentials", kAccepted, true);
    }
    const auto scheme = part(CURLUPART_SCHEME);
    if (scheme != "http" && scheme != "https") reject(assignment, "holds a URL that is not http or https", kAccepted);
    if (part(CURLUPART_HOST).empty()) reject(assignment, "holds a URL without a host", kAccepted);
  }
  return urls;
}

std::vector<uid_t> parse_uids(const Assignment& assignment) {
  constexpr std::string_view kAccepted = "comma-separated numeric user ids like 0,1000";
  std::vector<uid_t> uids;
  for (const auto& item : list_items(assignment, kAccepted)) {
    const auto number = decimal(item);
    // (uid_t)-1 means "no user" to the kernel, so it can never be a peer.
    if (!number || *number >= std::numeric_limits<uid_t>::max()) reject(assignment, "holds an item that is not a user id", kAccepted);
    uids.push_back(static_cast<uid_t>(*number));
  }
  return uids;
}

std::vector<std::string> parse_host_names(const Assignment& assignment) {
  constexpr std::string_view kAccepted = "comma-separated DNS names or IP addresses without a port, like kiosk.example,10.0.0.5";
  std::vector<std::string> names = list_items(assignment, kAccepted);
  for (auto& name : names) {
    const bool fits = name.size() <= defaults::kMaxHostNameLength &&
                      std::all_of(name.begin(), name.end(), [](unsigned char c) {
                        return std::isalnum(c) || c == '-' || c == '.' || c == ':';
                      });
    if (!fits || name.front() == '.' || name.front() == '-') reject(assignment, "holds an item that is not a host name", kAccepted);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  }
  return names;
}

std::vector<unsigned> parse_pcr_indexes(const Assignment& assignment, unsigned max) {
  const std::string accepted = "comma-separated PCR indexes from 0 to " + std::to_string(max) + " like 7 or 0,7";
  std::vector<unsigned> pcrs;
  for (const auto& item : list_items(assignment, accepted)) {
    const auto number = decimal(item);
    if (!number || *number > max) reject(assignment, "holds an item that is not a PCR index", accepted);
    if (std::find(pcrs.begin(), pcrs.end(), *number) != pcrs.end()) reject(assignment, "names a PCR twice", accepted);
    pcrs.push_back(static_cast<unsigned>(*number));
  }
  return pcrs;
}

std::vector<std::string> parse_module_ids(const Assignment& assignment) {
  constexpr std::string_view kAccepted = "comma-separated module ids like bls_tls_signer_v1 (letters, digits, _ . -)";
  std::vector<std::string> ids = list_items(assignment, kAccepted);
  const auto is_id_character = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-'; };
  for (const auto& id : ids) {
    if (id.front() == '.' || id.front() == '-' || !std::all_of(id.begin(), id.end(), is_id_character)) {
      reject(assignment, "holds an item that is not a module id", kAccepted);
    }
  }
  return ids;
}

std::string parse_base64_secret(const Assignment& assignment, std::size_t size) {
  const auto accepted = "base64 of a " + std::to_string(size) + "-byte secret";
  const auto text = trimmed(parse_text(assignment));
  auto bytes = base64_decode(text);
  if (!bytes) reject(assignment, "is not base64", accepted, true);
  const bool right_size = bytes->size() == size;
  const bool all_zero = std::all_of(bytes->begin(), bytes->end(), [](std::uint8_t b) { return b == 0; });
  secure_zero(*bytes);
  if (!right_size) reject(assignment, "decodes to " + std::to_string(bytes->size()) + " bytes", accepted, true);
  if (all_zero) reject(assignment, "is all zero bytes", accepted, true);
  return text;
}

void parse_grpc_signer_addr(const Assignment& assignment, GrpcSignerSettings& target) {
  constexpr std::string_view kUnixPrefix = "unix:";
  const std::string text = trimmed(parse_text(assignment));
  target.unix_path.reset();
  target.address.reset();
  if (!text.starts_with(kUnixPrefix)) {
    target.address = parse_host_port(assignment);
    return;
  }
  // gRPC spells an absolute socket path both unix:/run/x.sock and unix:///run/x.sock.
  std::string path = text.substr(kUnixPrefix.size());
  if (path.starts_with("///")) path.erase(0, 2);
  const std::string accepted = "unix: followed by an absolute path of at most " +
                               std::to_string(defaults::kMaxUdsPathLength) + " bytes, or HOST:PORT";
  if (!path.starts_with('/') || path.find('\0') != std::string::npos) reject(assignment, "is not an absolute socket path", accepted);
  if (path.size() > defaults::kMaxUdsPathLength) reject(assignment, "is too long for a Unix socket", accepted);
  target.unix_path = std::move(path);
}

std::string parse_key_reference(const Assignment& assignment) {
  std::string text = trimmed(parse_text(assignment));
  const bool printable = std::all_of(text.begin(), text.end(), [](char c) { return c > ' ' && c < 0x7f; });
  if (text.empty() || !printable) {
    reject(assignment, "is not a key reference", "a BLS public key (hex, with or without 0x, or base64) or a key handle");
  }
  return text;
}

}  // namespace cryftee::config

namespace cryftee {

bool is_loopback(const HostPort& address) {
  in_addr v4{};
  if (::inet_pton(AF_INET, address.host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (::inet_pton(AF_INET6, address.host.c_str(), &v6) != 1) return false;
  return IN6_IS_ADDR_LOOPBACK(&v6) || (IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127);
}

}  // namespace cryftee
