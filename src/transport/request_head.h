#pragma once
// Checks of a request's head made before any handler sees it and before its body is read: framing that
// proxies and servers may read differently (request smuggling) is refused with 400.
#include <boost/beast/http/fields.hpp>
#include <optional>

#include "util/error.h"

namespace cryftee::transport {

// Why a head must not be served, or nullopt.
std::optional<Error> refuse_head(const boost::beast::http::fields& head);

}  // namespace cryftee::transport
