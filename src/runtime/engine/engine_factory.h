#pragma once
// The engine the daemon runs modules on, chosen by name (--engine) among those compiled in.
#include <memory>
#include <string>
#include <string_view>

#include "runtime/engine/engine.h"

namespace cryftee::engine {

// The names of the engines compiled in, comma-separated ("v8").
std::string engine_names();

// Throws cryftee::Error naming the known engines when `name` is not one of them.
std::unique_ptr<Engine> make_engine(std::string_view name);

}  // namespace cryftee::engine
