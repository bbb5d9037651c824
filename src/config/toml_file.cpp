#include "config/toml_file.h"

#include <toml++/toml.h>

#include <algorithm>
#include <sstream>

#include "config/file_text.h"
#include "config/loader.h"
#include "config/values.h"

namespace cryftee::config {
namespace {

std::string location(const std::filesystem::path& file, const toml::node& node) {
  return file.native() + ":" + std::to_string(node.source().begin.line);
}

// A scalar's text as the user would recognise it; nullopt for tables, arrays and dates.
std::optional<std::string> scalar_text(const toml::node& node) {
  if (const auto* text = node.as_string()) return text->get();
  if (const auto* number = node.as_integer()) return std::to_string(number->get());
  if (const auto* flag = node.as_boolean()) return flag->get() ? "true" : "false";
  if (const auto* real = node.as_floating_point()) {
    std::ostringstream out;
    out << real->get();
    return out.str();
  }
  return std::nullopt;
}

std::string_view expected_type(ValueKind kind) {
  switch (kind) {
    case ValueKind::Text: return "a string in quotes";
    case ValueKind::Boolean: return "true or false, without quotes";
    case ValueKind::Integer: return "a whole number, without quotes";
    case ValueKind::List: return "an array like [\"a\", \"b\"] or a comma-separated string";
  }
  return "";
}

bool has_expected_type(const toml::node& node, ValueKind kind) {
  switch (kind) {
    case ValueKind::Text: return node.is_string();
    case ValueKind::Boolean: return node.is_boolean();
    case ValueKind::Integer: return node.is_integer();
    case ValueKind::List: return node.is_string() || node.is_array();
  }
  return false;
}

std::string known_keys() {
  std::string keys;
  for (const auto& setting : settings()) {
    if (!setting.in_toml) continue;
    if (!keys.empty()) keys += ", ";
    keys += setting.id;
  }
  return keys;
}

void collect(const toml::table& table, const std::string& prefix, const std::filesystem::path& file,
             std::vector<Assignment>& out) {
  for (const auto& [key, node] : table) {
    const std::string id = prefix + std::string(key.str());
    if (const auto* section = node.as_table()) {
      collect(*section, id + ".", file, out);
      continue;
    }
    const Setting* setting = find_setting(id);
    const std::string origin = location(file, node) + ": " + id;
    if (setting == nullptr || !setting->in_toml) {
      throw ConfigError(origin + ": unknown key (accepted keys: " + known_keys() + ")");
    }
    Assignment assignment{setting->id, std::string(), origin, Layer::TomlFile, std::nullopt};
    if (const auto* array = node.as_array(); array != nullptr && setting->kind == ValueKind::List) {
      std::vector<std::string> items;
      for (const auto& element : *array) {
        const auto text = element.is_string() || element.is_integer() ? scalar_text(element) : std::nullopt;
        if (!text) {
          assignment.problem = origin + ": an array item is not a string or number (accepted: " +
                               std::string(expected_type(setting->kind)) + ")";
          break;
        }
        items.push_back(*text);
      }
      assignment.value = std::move(items);
    } else {
      const auto text = scalar_text(node);
      if (!text || !has_expected_type(node, setting->kind)) {
        std::ostringstream type_name;
        type_name << node.type();
        assignment.value = text.value_or(type_name.str());
        assignment.problem = rejection(assignment, "has the wrong type", expected_type(setting->kind));
      } else {
        assignment.value = *text;
      }
    }
    out.push_back(std::move(assignment));
  }
}

}  // namespace

std::vector<Assignment> read_toml_file(const std::filesystem::path& file, const std::string& named_by) {
  const std::string text = read_named_file(file, named_by, "a readable TOML config file");
  toml::table root;
  try {
    root = toml::parse(text, file.native());
  } catch (const toml::parse_error& error) {
    std::string description(error.description());
    std::replace(description.begin(), description.end(), '\n', ' ');
    throw ConfigError(file.native() + ":" + std::to_string(error.source().begin.line) + ": not valid TOML: " +
                      description + " (named by " + named_by + ")");
  }
  std::vector<Assignment> assignments;
  collect(root, "", file, assignments);
  return assignments;
}

}  // namespace cryftee::config
