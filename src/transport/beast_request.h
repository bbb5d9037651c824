#pragma once
// Turns a parsed Beast request into the Request a handler takes: the one conversion the sessions use
// (transport/session.h) and the HTTP fuzz target (tests/fuzz/http_request_fuzz.cpp) goes through.
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "transport/message.h"

namespace cryftee::transport {

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;

// Header names are lower-cased; a header sent twice keeps both values, joined with ", ". The body is
// moved out of `message`.
Request request_from_beast(BeastRequest& message, const Peer& peer);

}  // namespace cryftee::transport
