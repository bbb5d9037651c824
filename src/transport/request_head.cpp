#include "transport/request_head.h"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/field.hpp>
#include <iterator>

namespace cryftee::transport {

std::optional<Error> refuse_head(const boost::beast::http::fields& head) {
  namespace http = boost::beast::http;
  const auto hosts = head.equal_range(http::field::host);
  if (std::distance(hosts.first, hosts.second) > 1) {
    return bad_request("the request has more than one Host header", "duplicate_host");
  }
  const auto encodings = head.equal_range(http::field::transfer_encoding);
  for (auto it = encodings.first; it != encodings.second; ++it) {
    if (std::distance(encodings.first, encodings.second) > 1 || !boost::beast::iequals(it->value(), "chunked")) {
      return bad_request("the only Transfer-Encoding accepted is a single 'chunked'", "unsupported_transfer_encoding");
    }
  }
  return std::nullopt;
}

}  // namespace cryftee::transport
