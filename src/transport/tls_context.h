#pragma once
// The HTTPS listener's TLS settings: TLS 1.2 or newer, the configured certificate chain and key, and,
// when a client CA is configured, a request (not a demand) for a client certificate chained to it, so a
// client may instead authenticate with the bearer token.
#include <boost/asio/ssl/context.hpp>

#include "config/config.h"

namespace cryftee::transport {

// Throws ListenerError naming the file when the certificate, key or CA cannot be used.
boost::asio::ssl::context make_tls_context(const Config& config);

}  // namespace cryftee::transport
