#pragma once
// Structured logs: one line per event, as "key=value" text or as a JSON object, written to stderr.
// Callers pass fields, never preformatted strings, so nothing reaches the log by accident; no field may
// hold a secret (keys, tokens, passwords, key material).
#include <string_view>

#include <nlohmann/json.hpp>

namespace cryftee {

enum class LogFormat { Text, Json };

}  // namespace cryftee

namespace cryftee::log {

enum class Level { Debug, Info, Warn, Error };

// Accepts "debug", "info", "warn", "error"; returns false for anything else.
bool parse_level(std::string_view text, Level& level);
void configure(Level level, LogFormat format);
void write(Level level, std::string_view event, const nlohmann::json& fields = nlohmann::json::object());

inline void debug(std::string_view event, const nlohmann::json& fields = nlohmann::json::object()) { write(Level::Debug, event, fields); }
inline void info(std::string_view event, const nlohmann::json& fields = nlohmann::json::object()) { write(Level::Info, event, fields); }
inline void warn(std::string_view event, const nlohmann::json& fields = nlohmann::json::object()) { write(Level::Warn, event, fields); }
inline void error(std::string_view event, const nlohmann::json& fields = nlohmann::json::object()) { write(Level::Error, event, fields); }

}  // namespace cryftee::log
