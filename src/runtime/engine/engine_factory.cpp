#include "runtime/engine/engine_factory.h"

#include "engines.h"

namespace cryftee::engine {

std::string engine_names() {
  std::string names;
  for (const EngineMaker& engine : kEngines) {
    if (!names.empty()) names += ", ";
    names += engine.name;
  }
  return names;
}

std::unique_ptr<Engine> make_engine(std::string_view name) {
  for (const EngineMaker& engine : kEngines) {
    if (engine.name == name) return engine.make();
  }
  throw Error(500, "unknown_engine", "no engine is named '" + std::string(name) + "'; known engines: " + engine_names());
}

}  // namespace cryftee::engine
