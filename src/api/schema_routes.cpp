#include "api/api_routes.h"
#include "manifest/manifest_schema.h"
#include "version.h"
#include "api/json_response.h"

namespace cryftee::api {
namespace {

using nlohmann::json;

json capability_list() {
  json capabilities = json::array();
  for (const CapabilityInfo& capability : staking_capabilities()) {
    capabilities.push_back({{"name", capability.name}, {"family", capability.family}, {"summary", capability.summary}});
  }
  return capabilities;
}

Response schema_modules(const ApiContext& context) {
  static const json kEntrySchema = manifest_entry_schema();
  static const json kManifestSchema = manifest_schema();
  static const json kCapabilities = capability_list();
  const RuntimeFacts facts = context.runtime_facts ? context.runtime_facts() : RuntimeFacts{};
  return json_response({
      {"abiVersion", kAbiVersion},
      {"cryfteeVersion", kCryfteeVersion},
      {"schema", kEntrySchema},
      {"manifestSchema", kManifestSchema},
      {"capabilities", kCapabilities},
      {"hostImportNamespace", "cryftee"},
      {"hostImports", facts.host_imports},
      {"moduleExports", {"memory", "cryftee_abi_version", "cryftee_alloc", "cryftee_handle"}},
  });
}

}  // namespace

void add_schema_routes(Router& router, ApiContext& context) {
  router.add("GET", "/v1/schema/modules", Access::ReadOnly, [&context](const Request&) { return schema_modules(context); });
}

}  // namespace cryftee::api
