#include "api/loopback_host.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

namespace cryftee::api {
namespace {

// "name:port" -> "name"; "[v6]:port" and "[v6]" -> "v6"; empty when the port is not all digits.
std::string host_name(const std::string& host) {
  std::string name = host;
  std::string port;
  if (!name.empty() && name.front() == '[') {
    const auto close = name.find(']');
    if (close == std::string::npos) return {};
    port = name.substr(close + 1);
    name = name.substr(1, close - 1);
    if (!port.empty() && port.front() != ':') return {};
    if (!port.empty()) port.erase(0, 1);
  } else if (const auto colon = name.rfind(':'); colon != std::string::npos) {
    port = name.substr(colon + 1);
    name = name.substr(0, colon);
  }
  if (!std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); })) return {};
  return name;
}

}  // namespace

bool is_loopback_host(const std::string& host) {
  std::string name = host_name(host);
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  if (name == "localhost") return true;
  in_addr v4{};
  if (::inet_pton(AF_INET, name.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  return ::inet_pton(AF_INET6, name.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

}  // namespace cryftee::api
