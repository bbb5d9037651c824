#include "grpc/status_mapping.h"

#include "runtime/engine/engine.h"
#include "util/error.h"

namespace cryftee::grpc_signer {
namespace {

grpc::StatusCode code_for(const Error& error) {
  if (const auto* fault = dynamic_cast<const engine::ModuleFault*>(&error)) {
    return fault->state() == engine::FailState::Timeout ? grpc::StatusCode::DEADLINE_EXCEEDED : grpc::StatusCode::INTERNAL;
  }
  switch (error.status()) {
    case 403: return grpc::StatusCode::PERMISSION_DENIED;
    case 404: return grpc::StatusCode::NOT_FOUND;
    case 409:
    case 422: return grpc::StatusCode::FAILED_PRECONDITION;
    case 429: return grpc::StatusCode::RESOURCE_EXHAUSTED;
    case 503: return grpc::StatusCode::UNAVAILABLE;
    default: break;
  }
  return error.status() >= 400 && error.status() < 500 ? grpc::StatusCode::INVALID_ARGUMENT : grpc::StatusCode::INTERNAL;
}

}  // namespace

grpc::Status status_for(const std::exception& failure) {
  if (const auto* error = dynamic_cast<const Error*>(&failure)) {
    return grpc::Status(code_for(*error), error->code() + ": " + error->what());
  }
  // Not an error anyone chose a message for: say nothing more than that it failed inside the daemon.
  return grpc::Status(grpc::StatusCode::INTERNAL, "internal_error: the signer failed unexpectedly (see the daemon's log)");
}

const char* status_code_name(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return "OK";
    case grpc::StatusCode::CANCELLED: return "CANCELLED";
    case grpc::StatusCode::UNKNOWN: return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND: return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS: return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED: return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE: return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED: return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL: return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS: return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED: return "UNAUTHENTICATED";
    default: break;
  }
  return "UNKNOWN";
}

}  // namespace cryftee::grpc_signer
