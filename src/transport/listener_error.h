#pragma once
// A listener that cannot be opened at start-up. what() is one line naming the listener, the path or
// address, what is wrong and what to do; the daemon prints it and exits non-zero.
#include <stdexcept>

namespace cryftee::transport {

class ListenerError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace cryftee::transport
