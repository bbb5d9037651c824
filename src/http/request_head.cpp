#include "http/request_head.h"

#include <boost/beast/core/string.hpp>
#include <iterator>

#include "http/error_response.h"

namespace cryftee::http {

std::optional<Response> refuse_head(const boost::beast::http::fields& head, const KioskHosts* kiosk_hosts) {
  namespace http = boost::beast::http;
  const auto hosts = head.equal_range(http::field::host);
  if (std::distance(hosts.first, hosts.second) > 1) {
    return error_response(400, "duplicate_host", "the request has more than one Host header");
  }
  const auto encodings = head.equal_range(http::field::transfer_encoding);
  for (auto it = encodings.first; it != encodings.second; ++it) {
    if (std::distance(encodings.first, encodings.second) > 1 || !boost::beast::iequals(it->value(), "chunked")) {
      return error_response(400, "unsupported_transfer_encoding",
                            "the only Transfer-Encoding accepted is a single 'chunked'");
    }
  }
  if (kiosk_hosts != nullptr) {
    const bool named = hosts.first != hosts.second;
    if (!named || !kiosk_hosts->allows(hosts.first->value())) {
      return error_response(421, "misdirected_request",
                            "this kiosk answers only to Host " + kiosk_hosts->describe() +
                                " (add names with --kiosk-hosts)");
    }
  }
  return std::nullopt;
}

}  // namespace cryftee::http
