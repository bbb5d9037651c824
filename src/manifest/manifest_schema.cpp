#include "manifest/manifest_schema.h"

#include <array>

#include "manifest/limits.h"
#include "manifest/manifest.h"

namespace cryftee {
namespace {

using nlohmann::json;

constexpr std::array<CapabilityInfo, 5> kStakingCapabilities{{
    {"bls_register", "bls", "create, import or look up a BLS12-381 key (POST /v1/staking/bls/register)"},
    {"bls_sign", "bls", "sign a message with a BLS key (POST /v1/staking/bls/sign)"},
    {"bls_pop", "bls", "sign with the proof-of-possession DST (dst \"pop\" on POST /v1/staking/bls/sign)"},
    {"tls_register", "tls", "create or import the TLS staking identity (POST /v1/staking/tls/register)"},
    {"tls_sign", "tls", "sign a digest with the TLS staking key (POST /v1/staking/tls/sign)"},
}};

// SemVer 2.0.0: MAJOR.MINOR.PATCH, optional pre-release and build metadata.
constexpr const char* kSemverPattern =
    "^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)"
    "(-[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?(\\+[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?$";
constexpr const char* kSha256Pattern = "^sha256:[0-9a-f]{64}$";
constexpr const char* kNamePattern = "^[a-z0-9_]+$";
constexpr const char* kIdPattern = "^[A-Za-z0-9_][A-Za-z0-9_.-]*$";
// A relative path that stays inside its folder (manifest/safe_path.h): not absolute, no empty, "." or ".."
// component, no backslash, no control character.
constexpr const char* kRelativePathPattern =
    "^(?!/)(?!.*//)(?!.*/$)(?!(.*/)?\\.{1,2}(/|$))[^\\\\\\x00-\\x1f\\x7f]+$";

json relative_path(const char* description) {
  return {{"type", "string"},
          {"minLength", 1},
          {"maxLength", manifest_limits::kMaxPathLength},
          {"pattern", kRelativePathPattern},
          {"description", description}};
}

json name_list(const char* description) {
  return {{"type", "array"},
          {"uniqueItems", true},
          {"maxItems", manifest_limits::kMaxListLength},
          {"items", {{"type", "string"}, {"pattern", kNamePattern}}},
          {"description", description}};
}

json limits_schema() {
  const ModuleLimits defaults;
  return {
      {"type", "object"},
      {"description", "resource limits the engine enforces on this module; each member has a default"},
      {"additionalProperties", false},
      {"properties",
       {
           {"memoryPages",
            {{"type", "integer"}, {"minimum", 1}, {"maximum", manifest_limits::kMaxMemoryPages},
             {"default", defaults.memory_pages},
             {"description", "maximum linear memory in 64 KiB wasm pages"}}},
           {"deadlineMs",
            {{"type", "integer"}, {"minimum", 1}, {"maximum", manifest_limits::kMaxDeadlineMs},
             {"default", defaults.deadline_ms},
             {"description", "wall-clock limit of one call in milliseconds; a call past it is stopped"}}},
           {"maxBinaryBytes",
            {{"type", "integer"}, {"minimum", 1}, {"maximum", manifest_limits::kMaxBinaryBytes},
             {"default", defaults.max_binary_bytes},
             {"description", "largest module file the loader accepts, in bytes"}}},
       }},
  };
}

json gui_schema() {
  json gui_entry = relative_path("the page the kiosk opens, relative to gui/; must be listed in files");
  gui_entry["default"] = "index.html";
  return {
      {"type", "object"},
      {"description", "files of the module's gui/ folder the kiosk may show; each one is served only when its hash matches"},
      {"required", {"files"}},
      {"additionalProperties", false},
      {"properties",
       {
           {"entry", gui_entry},
           {"files",
            {{"type", "object"},
             {"maxProperties", manifest_limits::kMaxGuiFiles},
             {"description", "every gui file, relative path -> sha256:<hex> of its contents"},
             {"propertyNames", {{"pattern", kRelativePathPattern}}},
             {"additionalProperties", {{"type", "string"}, {"pattern", kSha256Pattern}}}}},
       }},
  };
}

}  // namespace

std::span<const CapabilityInfo> staking_capabilities() { return kStakingCapabilities; }

json manifest_entry_schema() {
  json capability_names = json::array();
  for (const CapabilityInfo& capability : kStakingCapabilities) capability_names.push_back(capability.name);
  json capabilities = name_list("operations the module provides; the staking routes use bls_* and tls_*");
  capabilities["items"]["examples"] = std::move(capability_names);
  return {
      {"$schema", "https://json-schema.org/draft/2020-12/schema"},
      {"$id", "urn:cryftee:schema:manifest-entry:1"},
      {"title", "Cryftee manifest entry"},
      {"description",
       "One module in manifest.json. The publisher signs the whole entry except \"signature\" (Ed25519 over "
       "\"cryftee-module-entry-v1\\n\" + RFC 8785 canonical JSON), so every member below is covered. An entry "
       "without publisherId, hash and signature parses but is never trusted."},
      {"type", "object"},
      {"required", {"id", "dir", "file", "version"}},
      {"additionalProperties", false},
      {"properties",
       {
           {"id", {{"type", "string"}, {"pattern", kIdPattern}, {"maxLength", manifest_limits::kMaxIdLength},
                   {"description", "unique module id; must equal the id in the module's own module.json"}}},
           {"dir", relative_path("the module's folder, relative to the module dir")},
           {"file", relative_path("the .wasm file, relative to dir")},
           {"version", {{"type", "string"}, {"pattern", kSemverPattern},
                        {"description", "the module's version (SemVer); must equal the version in module.json"}}},
           {"minCryfteeVersion", {{"type", "string"}, {"pattern", kSemverPattern},
                                  {"description", "oldest cryftee runtime the module runs on, compared as SemVer"}}},
           {"description", {{"type", "string"}, {"description", "what the module does, for operators"}}},
           {"capabilities", std::move(capabilities)},
           {"defaultFor",
            {{"type", "object"},
             {"propertyNames", {{"pattern", kNamePattern}}},
             {"additionalProperties", {{"type", "boolean"}}},
             {"examples", json::array({{{"bls", true}, {"tls", true}}})},
             {"description", "capability families (bls, tls) this module serves by default; two loaded modules "
                             "claiming one family is a registry problem and neither becomes default"}}},
           {"imports", name_list("host functions (module namespace \"cryftee\") the module may import; a module "
                                 "importing anything not listed here does not load")},
           {"limits", limits_schema()},
           {"gui", gui_schema()},
           {"publisherId", {{"type", "string"}, {"minLength", 1},
                            {"description", "the publisher whose key in the trust file must verify the signature"}}},
           {"hash", {{"type", "string"}, {"pattern", kSha256Pattern},
                     {"description", "SHA-256 of the module file; the loader recomputes and compares it"}}},
           {"signature", {{"type", "string"}, {"contentEncoding", "base64"}, {"pattern", "^[A-Za-z0-9+/_-]{86}(==)?$"},
                          {"description", "base64 Ed25519 signature by the publisher over the canonical entry"}}},
       }},
  };
}

json manifest_schema() {
  json entry = manifest_entry_schema();
  entry.erase("$schema");
  entry.erase("$id");
  return {
      {"$schema", "https://json-schema.org/draft/2020-12/schema"},
      {"$id", "urn:cryftee:schema:manifest:1"},
      {"title", "Cryftee manifest.json"},
      {"type", "object"},
      {"required", {"modules"}},
      {"additionalProperties", false},
      {"properties",
       {
           {"version", {{"type", "string"}, {"description", "version of the manifest document"}}},
           {"modules", {{"type", "array"}, {"maxItems", manifest_limits::kMaxModules}, {"items", {{"$ref", "#/$defs/entry"}}}}},
       }},
      {"$defs", {{"entry", std::move(entry)}}},
  };
}

}  // namespace cryftee
