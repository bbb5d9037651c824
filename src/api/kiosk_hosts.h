#pragma once
// The Host values the kiosk answers to. A web page that points its own DNS name at this machine (DNS
// rebinding) reaches the kiosk with that name in Host, so the kiosk answers only names of its own: the
// address it listens on, the configured names (--kiosk-hosts), and, when it listens on a wildcard address,
// this machine's interface addresses and "localhost". Every other Host is answered 421.
#include <boost/asio/ip/address.hpp>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace cryftee::api {

class KioskHosts {
 public:
  using LocalAddresses = std::function<std::vector<boost::asio::ip::address>()>;

  // `local_addresses` lists this machine's interface addresses; it is asked per request (interfaces
  // come and go) and only when the kiosk listens on a wildcard address.
  KioskHosts(const HostPort& listen, std::vector<std::string> names, LocalAddresses local_addresses = interface_addresses);

  // `host` is the request's Host header: "name", "name:port", "1.2.3.4:80" or "[::1]:323".
  bool allows(std::string_view host) const;
  // The names answered, for the 421 message: "127.0.0.1, localhost, kiosk.example".
  std::string describe() const;

  static std::vector<boost::asio::ip::address> interface_addresses();

 private:
  std::string listen_host_;  // lower case; an IP literal or a name
  bool wildcard_ = false;
  bool loopback_ = false;
  std::vector<std::string> names_;
  LocalAddresses local_addresses_;
};

}  // namespace cryftee::api
