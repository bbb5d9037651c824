#include "config/cryftgo_json.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "config/file_text.h"
#include "config/loader.h"
#include "config/values.h"

namespace cryftee::config {
namespace {

// Both {"api": {"transport": "uds"}} and {"api.transport": "uds"} become "api.transport".
void flatten(const nlohmann::json& object, const std::string& prefix, std::map<std::string, nlohmann::json>& out) {
  for (const auto& [key, value] : object.items()) {
    const std::string name = prefix + key;
    if (value.is_object()) {
      flatten(value, name + ".", out);
    } else {
      out[name] = value;
    }
  }
}

// cryftgo's JSON is less strict than our TOML: it may write a boolean or a number as a string. A value of
// no usable type becomes the assignment's problem, reported only if no higher layer overrides it.
void set_raw_value(Assignment& assignment, const nlohmann::json& value) {
  if (value.is_string()) {
    assignment.value = value.get<std::string>();
  } else if (value.is_boolean()) {
    assignment.value = std::string(value.get<bool>() ? "true" : "false");
  } else if (value.is_number_unsigned() || value.is_number_integer()) {
    assignment.value = value.dump();
  } else if (value.is_array() && std::all_of(value.begin(), value.end(), [](const auto& item) { return item.is_string(); })) {
    assignment.value = value.get<std::vector<std::string>>();
  } else {
    assignment.value = value.dump();
    assignment.problem = value.is_array()
                             ? rejection(assignment, "holds an item that is not a string", "a string or an array of strings")
                             : rejection(assignment, "has the wrong type", "a string, boolean, number or array of strings");
  }
}

}  // namespace

std::vector<Assignment> read_cryftgo_json(const std::filesystem::path& file, const std::string& named_by) {
  const std::string text = read_named_file(file, named_by, "a readable JSON file");
  const auto document = nlohmann::json::parse(text, nullptr, false);
  if (document.is_discarded() || !document.is_object()) {
    throw ConfigError(named_by + ": " + quoted_for_message(file.native()) +
                      " is not a JSON object (accepted: cryftgo's JSON config, e.g. {\"api\": {\"transport\": \"uds\"}})");
  }
  std::map<std::string, nlohmann::json> values;
  flatten(document, "", values);

  std::vector<Assignment> assignments;
  for (const auto& setting : settings()) {
    if (setting.cryftgo_key.empty()) continue;
    const auto found = values.find(std::string(setting.cryftgo_key));
    if (found == values.end() || found->second.is_null()) continue;
    Assignment assignment{setting.id, std::string(), file.native() + ": " + std::string(setting.cryftgo_key), Layer::CryftgoJson, std::nullopt};
    set_raw_value(assignment, found->second);
    // cryftgo writes every key; an empty one means "not set", as for environment variables.
    if (const auto* text = std::get_if<std::string>(&assignment.value); text != nullptr && text->empty()) continue;
    assignments.push_back(std::move(assignment));
  }
  return assignments;
}

}  // namespace cryftee::config
