#pragma once
// A module's answer, checked once and kept as the text the module wrote. The staking routes send that text
// on with moduleId and moduleVersion spliced in, so an answer is not parsed into a JSON tree only to be
// written out again; callers that need its fields (gRPC, tests) parse it themselves.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace cryftee::runtime {

class ModuleAnswer {
 public:
  // Checks `text`, the answer of module `module_id`, in one pass that builds no tree (util/json_scan.h): one
  // JSON object (valid UTF-8, nothing after it, nested at most kJsonScanMaxDepth levels).
  // A module's {"error": code, "message": text, "status": 4xx/5xx} answer throws a cryftee::Error with
  // that status (400 when it names none or one outside 400-599); anything else that is not an object
  // throws engine::ModuleFault (BadResponse).
  static ModuleAnswer check(const std::string& module_id, std::string text);

  nlohmann::json json() const { return nlohmann::json::parse(text_); }
  // The answer as the module wrote it (checked as above).
  const std::string& text() const noexcept { return text_; }

  // The answer with moduleId and moduleVersion set, as JSON text. When the module wrote either field
  // itself, the host's value replaces it.
  std::string with_module(std::string_view id, std::string_view version) const;

 private:
  ModuleAnswer(std::string text, bool empty, bool names_module)
      : text_(std::move(text)), empty_(empty), names_module_(names_module) {}

  std::string text_;
  bool empty_;         // the object has no member
  bool names_module_;  // it has a top-level moduleId or moduleVersion
};

}  // namespace cryftee::runtime
