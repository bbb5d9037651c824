#include "runtime/module_answer.h"

#include <cstdint>

#include "runtime/engine/engine.h"
#include "util/error.h"
#include "util/json_scan.h"

namespace cryftee::runtime {
namespace {

constexpr int kDefaultModuleErrorStatus = 400;

// What the host needs to know of an answer besides its validity.
struct Outline {
  std::size_t members = 0;
  bool names_error = false;
  bool names_module = false;
};

// The module's {"error": code, ...} answer as the Error it stands for; nothing when "error" is not a string.
void throw_if_module_error(const std::string& text) {
  const nlohmann::json answer = nlohmann::json::parse(text);
  const auto error = answer.find("error");
  if (error == answer.end() || !error->is_string()) return;
  // A status or message of the wrong type is the module's mistake, not a reason to lose its error code.
  int status = kDefaultModuleErrorStatus;
  const auto status_field = answer.find("status");
  if (status_field != answer.end() && status_field->is_number_integer()) {
    const auto value = status_field->get<std::int64_t>();
    if (value >= 400 && value <= 599) status = static_cast<int>(value);
  }
  const auto message = answer.find("message");
  throw Error(status, error->get<std::string>(),
              message != answer.end() && message->is_string() ? message->get<std::string>() : "the module refused the request");
}

}  // namespace

ModuleAnswer ModuleAnswer::check(const std::string& module_id, std::string text) {
  Outline outline;
  const JsonScan scan = scan_json(text, [&outline](const JsonMember& member) {
    ++outline.members;
    outline.names_error = outline.names_error || json_name_is(member.name, "error");
    outline.names_module =
        outline.names_module || json_name_is(member.name, "moduleId") || json_name_is(member.name, "moduleVersion");
  });
  if (scan != JsonScan::Object) {
    throw engine::ModuleFault(engine::FailState::BadResponse, module_id,
                              scan == JsonScan::TooDeep ? "its response nests JSON deeper than " +
                                                              std::to_string(kJsonScanMaxDepth) + " levels"
                                                        : std::string("its response is not a JSON object"));
  }
  if (outline.names_error) throw_if_module_error(text);
  return ModuleAnswer(std::move(text), outline.members == 0, outline.names_module);
}

std::string ModuleAnswer::with_module(std::string_view id, std::string_view version) const {
  if (names_module_) {
    nlohmann::json answer = json();
    answer["moduleId"] = id;
    answer["moduleVersion"] = version;
    return answer.dump();
  }
  constexpr std::string_view kIdName = "\"moduleId\":";
  constexpr std::string_view kVersionName = ",\"moduleVersion\":";
  const std::size_t end = text_.rfind('}');  // a checked object ends with '}' (then at most whitespace)
  std::string out;
  out.reserve(end + kIdName.size() + kVersionName.size() + id.size() + version.size() + 8);
  out.append(text_, 0, end);
  if (!empty_) out += ',';
  out.append(kIdName);
  append_json_string(out, id);
  out.append(kVersionName);
  append_json_string(out, version);
  out += '}';
  return out;
}

}  // namespace cryftee::runtime
