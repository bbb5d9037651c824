#pragma once
// The Host header a request to the loopback http API must carry. Peers there are checked by uid, but a
// browser on this machine runs as some user too: a web page that rebinds its own host name to 127.0.0.1
// would pass the uid check and the same-origin check (its Origin matches its Host). Asking for a loopback
// Host name closes that door, since such a page can only send its own name.
#include <string>

namespace cryftee::api {

// True for "127.x.x.x", "[::1]" and "localhost", each with or without ":port".
bool is_loopback_host(const std::string& host);

}  // namespace cryftee::api
