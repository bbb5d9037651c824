// Feeds arbitrary bytes to the check of a module's answer, which a faulty or hostile module controls. An
// answer is either refused (a ModuleFault or the module's own error) or accepted, and then what the host
// sends on, with moduleId and moduleVersion spliced into the module's text, must be one JSON object that
// holds every member of the module's answer and the host's two fields.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "runtime/module_answer.h"
#include "util/error.h"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using cryftee::runtime::ModuleAnswer;
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::string sent;
  try {
    sent = ModuleAnswer::check("fuzz_v1", text).with_module("fuzz_v1", "1.2.3");
  } catch (const cryftee::Error&) {
    return 0;
  }
  const nlohmann::json module = nlohmann::json::parse(text);  // accepted, so it must parse as a tree too
  const nlohmann::json host = nlohmann::json::parse(sent);
  require(module.is_object() && host.is_object());
  require(host.value("moduleId", "") == "fuzz_v1" && host.value("moduleVersion", "") == "1.2.3");
  for (const auto& [name, value] : module.items()) {
    if (name != "moduleId" && name != "moduleVersion") require(host.contains(name) && host.at(name) == value);
  }
  require(host.size() == module.size() + !module.contains("moduleId") + !module.contains("moduleVersion"));
  return 0;
}
