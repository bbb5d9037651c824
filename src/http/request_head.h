#pragma once
// Checks of a request's head made before any route sees it and before its body is read: framing that
// proxies and servers may read differently (request smuggling) is refused with 400, and on the kiosk a
// Host that is not one of its own names (DNS rebinding) with 421.
#include <boost/beast/http/fields.hpp>
#include <optional>

#include "http/kiosk_hosts.h"
#include "http/message.h"

namespace cryftee::http {

// The error answer for a head that must not be served, or nullopt. `kiosk_hosts` is set on the kiosk
// listener only.
std::optional<Response> refuse_head(const boost::beast::http::fields& head, const KioskHosts* kiosk_hosts);

}  // namespace cryftee::http
