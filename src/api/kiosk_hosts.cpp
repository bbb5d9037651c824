#include "api/kiosk_hosts.h"

#include <ifaddrs.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>
#include <optional>

namespace cryftee::api {
namespace {

namespace ip = boost::asio::ip;

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The host part of a Host header in lower case, without port, brackets or a trailing dot; nullopt when
// the header is not a host[:port].
std::optional<std::string> host_part(std::string_view header) {
  std::string_view host = header;
  if (host.starts_with('[')) {
    const auto close = host.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    const std::string_view rest = host.substr(close + 1);
    if (!rest.empty() && !rest.starts_with(':')) return std::nullopt;
    host = host.substr(1, close - 1);
  } else if (const auto colon = host.find(':'); colon != std::string_view::npos) {
    if (host.find(':', colon + 1) != std::string_view::npos) return std::nullopt;  // IPv6 needs brackets
    host = host.substr(0, colon);
  }
  if (host.ends_with('.')) host.remove_suffix(1);
  if (host.empty()) return std::nullopt;
  return lower(host);
}

std::optional<ip::address> as_address(const std::string& text) {
  boost::system::error_code error;
  const ip::address address = ip::make_address(text, error);
  if (error) return std::nullopt;
  // An IPv4-mapped IPv6 address names the same IPv4 host.
  if (address.is_v6() && address.to_v6().is_v4_mapped()) return ip::make_address_v4(ip::v4_mapped, address.to_v6());
  return address;
}

}  // namespace

KioskHosts::KioskHosts(const HostPort& listen, std::vector<std::string> names, LocalAddresses local_addresses)
    : listen_host_(lower(listen.host)), names_(std::move(names)), local_addresses_(std::move(local_addresses)) {
  if (const auto address = as_address(listen_host_)) {
    wildcard_ = address->is_unspecified();
    loopback_ = address->is_loopback();
    listen_host_ = address->to_string();
  }
  for (auto& name : names_) name = lower(name);
}

bool KioskHosts::allows(std::string_view header) const {
  const std::optional<std::string> host = host_part(header);
  if (!host) return false;
  if (std::find(names_.begin(), names_.end(), *host) != names_.end()) return true;
  const std::optional<ip::address> address = as_address(*host);
  if (!address) return *host == listen_host_ || (*host == "localhost" && (wildcard_ || loopback_));
  if (address->to_string() == listen_host_) return true;
  if (!wildcard_) return false;
  if (address->is_loopback()) return true;
  const auto local = local_addresses_ ? local_addresses_() : std::vector<ip::address>{};
  return std::find(local.begin(), local.end(), *address) != local.end();
}

std::string KioskHosts::describe() const {
  std::string text = wildcard_ ? "this machine's addresses, localhost" : listen_host_;
  if (loopback_) text += ", localhost";
  for (const auto& name : names_) text += ", " + name;
  return text;
}

std::vector<ip::address> KioskHosts::interface_addresses() {
  std::vector<ip::address> addresses;
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return addresses;
  for (const ifaddrs* entry = list; entry != nullptr; entry = entry->ifa_next) {
    if (entry->ifa_addr == nullptr) continue;
    if (entry->ifa_addr->sa_family == AF_INET) {
      const auto* v4 = reinterpret_cast<const sockaddr_in*>(entry->ifa_addr);
      addresses.push_back(ip::address_v4(ntohl(v4->sin_addr.s_addr)));
    } else if (entry->ifa_addr->sa_family == AF_INET6) {
      const auto* v6 = reinterpret_cast<const sockaddr_in6*>(entry->ifa_addr);
      ip::address_v6::bytes_type bytes;
      std::copy(std::begin(v6->sin6_addr.s6_addr), std::end(v6->sin6_addr.s6_addr), bytes.begin());
      addresses.push_back(ip::address_v6(bytes, v6->sin6_scope_id));
    }
  }
  ::freeifaddrs(list);
  return addresses;
}

}  // namespace cryftee::api
