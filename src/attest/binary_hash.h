#pragma once
// The hash of the program that is running, as an attestation reports it. It is read from the kernel's
// view of the executable (/proc/self/exe), never from anything a caller or the environment supplies.
#include <future>
#include <string>

namespace cryftee {

// "sha256:<hex>" of the running executable's file. Throws cryftee::Error (500) when it cannot be read.
std::string running_binary_hash();

// running_binary_hash() on a thread of its own, so the daemon can go on starting meanwhile; logs
// "core_binary_hash" when done. The executable is opened and mapped before this returns (throwing
// cryftee::Error when it cannot be), and no descriptor stays open while it is hashed.
std::shared_future<std::string> hash_running_binary_in_background();

}  // namespace cryftee
