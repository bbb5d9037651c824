#pragma once
// The API answers the transport's requests with the transport's responses (transport/message.h); these
// names let the routes say Request and Response.
#include "transport/message.h"

namespace cryftee::api {

using transport::ListenerKind;
using transport::parse_target;
using transport::Peer;
using transport::PeerTransport;
using transport::Request;
using transport::Response;

}  // namespace cryftee::api
