#pragma once
// How a failed gRPC signer call is reported: the same cryftee::Error a REST request would turn into JSON
// becomes a gRPC status with the error's machine code and message, "<code>: <message>".
//
//   400, 413 bad or oversized input           INVALID_ARGUMENT
//   403 refused by policy                     PERMISSION_DENIED
//   404 the key is no longer held             NOT_FOUND
//   409, 422 not possible for this key        FAILED_PRECONDITION
//   429 too many requests                     RESOURCE_EXHAUSTED
//   503 no module (or backend) can serve      UNAVAILABLE
//   module deadline passed (module_timeout)   DEADLINE_EXCEEDED
//   module fault, anything else               INTERNAL
#include <exception>

#include <grpcpp/support/status.h>

namespace cryftee::grpc_signer {

grpc::Status status_for(const std::exception& failure);

// "OK", "INVALID_ARGUMENT", ...: the code's canonical name, for logs.
const char* status_code_name(grpc::StatusCode code);

}  // namespace cryftee::grpc_signer
