#pragma once
// Builds a Registry from the configured manifest and trust file: reads and parses the manifest, hashes
// every module file, checks each publisher signature against the trust file, compares versions, resolves
// defaults, and finally asks the engine (when one is given) to accept each verified module.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "config/config.h"
#include "runtime/registry.h"

namespace cryftee::runtime {

// Called for each module that passed every check; returns a reason when the engine refuses it (it does
// not compile, it imports something not granted, ...), nullopt when it accepts it.
using EngineCheck = std::function<std::optional<std::string>(const ModuleRecord&)>;

// Throws cryftee::Error when the registry as a whole cannot be built (manifest or trust file missing or
// unparsable); problems of single modules are recorded in their ModuleStatus instead.
std::shared_ptr<const Registry> build_registry(const Config& config, std::uint64_t epoch,
                                               const EngineCheck& engine_check = {});

}  // namespace cryftee::runtime
