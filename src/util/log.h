#pragma once
// Structured logs: one line per event, as "key=value" text or as a JSON object, written to stderr.
// Callers pass fields, never preformatted strings, so nothing reaches the log by accident; no field may
// hold a secret (keys, tokens, passwords, key material).
//
// Lines are written in the order they are logged. A line per request would otherwise cost a write(2)
// on every request's path, so while a LineBatcher lives, lines logged with `batched` are collected and
// written together: by the batcher's thread within kBatchInterval, or before the next line logged
// without `batched` (so no such line overtakes them), or when the batcher ends.
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <thread>
#include <variant>

#include <nlohmann/json.hpp>

namespace cryftee {

enum class LogFormat { Text, Json };

}  // namespace cryftee

namespace cryftee::log {

enum class Level { Debug, Info, Warn, Error };

// How long a batched line may wait before it is written.
inline constexpr std::chrono::milliseconds kBatchInterval{50};

// Accepts "debug", "info", "warn", "error"; returns false for anything else.
bool parse_level(std::string_view text, Level& level);
void configure(Level level, LogFormat format);
void write(Level level, std::string_view event, const nlohmann::json& fields = nlohmann::json::object());
// The same line, collected while a LineBatcher lives (written at once otherwise).
void batched(Level level, std::string_view event, const nlohmann::json& fields = nlohmann::json::object());
// Writes every collected line now.
void flush();

// A field of a line logged on every request, formatted straight into the text line: building a JSON
// object first costs dozens of allocations per request.
struct Field {
  std::string_view key;
  std::variant<std::string_view, std::int64_t, double> value;
};
// `batched` for those lines: the same line, with the fields in the order given (callers list them sorted
// by key, the order a JSON object would write them in).
void batched_fields(Level level, std::string_view event, std::initializer_list<Field> fields);

inline void debug(std::string_view event, const nlohmann::json& fields = nlohmann::json::object()) { write(Level::Debug, event, fields); }
inline void info(std::string_view event, const nlohmann::json& fields = nlohmann::json::object()) { write(Level::Info, event, fields); }
inline void warn(std::string_view event, const nlohmann::json& fields = nlohmann::json::object()) { write(Level::Warn, event, fields); }
inline void error(std::string_view event, const nlohmann::json& fields = nlohmann::json::object()) { write(Level::Error, event, fields); }

// Collects batched lines for as long as it lives and writes them from a thread of its own; on
// destruction it writes what is left. At most one at a time (the daemon holds it while it runs).
class LineBatcher {
 public:
  LineBatcher();
  ~LineBatcher();
  LineBatcher(const LineBatcher&) = delete;
  LineBatcher& operator=(const LineBatcher&) = delete;

 private:
  std::thread writer_;
};

}  // namespace cryftee::log
