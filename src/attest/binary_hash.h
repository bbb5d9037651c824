#pragma once
// The hash of the program that is running, as an attestation reports it. It is read from the kernel's
// view of the executable (/proc/self/exe), never from anything a caller or the environment supplies.
#include <string>

namespace cryftee {

// "sha256:<hex>" of the running executable's file. Throws cryftee::Error (500) when it cannot be read.
std::string running_binary_hash();

}  // namespace cryftee
