#pragma once
// The JSON Schema (draft 2020-12) of a manifest entry and of manifest.json, and the capability names an
// entry may declare: what GET /v1/schema/modules publishes for module publishers and tools.
#include <span>
#include <string_view>

#include <nlohmann/json.hpp>

namespace cryftee {

struct CapabilityInfo {
  std::string_view name;    // as listed in an entry's "capabilities"
  std::string_view family;  // the "defaultFor" key that routes requests for it to a default module
  std::string_view summary;
};

// The capabilities the staking API routes to modules. Modules may declare others (debug_v1's debug_*),
// which no route reaches.
std::span<const CapabilityInfo> staking_capabilities();

// The schema of one entry of manifest.json's "modules" array.
nlohmann::json manifest_entry_schema();
// The schema of manifest.json as a whole; entries refer to manifest_entry_schema() under $defs.
nlohmann::json manifest_schema();

}  // namespace cryftee
