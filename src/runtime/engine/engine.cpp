#include "runtime/engine/engine.h"

namespace cryftee::engine {
namespace {

int status_for(FailState state) { return state == FailState::Timeout ? 503 : 500; }
const char* code_for(FailState state) { return state == FailState::Timeout ? "module_timeout" : "module_trap"; }

}  // namespace

const char* fail_state_name(FailState state) {
  switch (state) {
    case FailState::Trap: return "trap";
    case FailState::Timeout: return "deadline exceeded";
    case FailState::OutOfMemory: return "out of memory";
    case FailState::BadResponse: return "bad response";
  }
  return "failure";
}

ModuleFault::ModuleFault(FailState state, const std::string& module_id, const std::string& detail)
    : Error(status_for(state), code_for(state),
            "module '" + module_id + "' failed (" + fail_state_name(state) + "): " + detail +
                "; the instance was replaced and other modules are unaffected"),
      state_(state) {}

}  // namespace cryftee::engine
