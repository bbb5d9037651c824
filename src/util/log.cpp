#include "util/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>

#include "util/time.h"

namespace cryftee::log {
namespace {

std::atomic<Level> g_level{Level::Info};
std::atomic<LogFormat> g_format{LogFormat::Text};

const char* level_name(Level level) {
  switch (level) {
    case Level::Debug: return "debug";
    case Level::Info: return "info";
    case Level::Warn: return "warn";
    case Level::Error: return "error";
  }
  return "info";
}

spdlog::logger& sink() {
  // spdlog does the locking and flushing; we hand it whole, already formatted lines.
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto l = spdlog::stderr_logger_mt("cryftee");
    l->set_pattern("%v");
    l->flush_on(spdlog::level::trace);
    return l;
  }();
  return *logger;
}

std::string text_value(const nlohmann::json& value) {
  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    return s.find_first_of(" \"=") == std::string::npos && !s.empty() ? s : nlohmann::json(s).dump();
  }
  return value.dump();
}

}  // namespace

bool parse_level(std::string_view text, Level& level) {
  for (Level candidate : {Level::Debug, Level::Info, Level::Warn, Level::Error}) {
    if (text == level_name(candidate)) {
      level = candidate;
      return true;
    }
  }
  return false;
}

void configure(Level level, LogFormat format) {
  g_level = level;
  g_format = format;
}

void write(Level level, std::string_view event, const nlohmann::json& fields) {
  if (level < g_level.load()) return;
  std::string line;
  if (g_format.load() == LogFormat::Json) {
    nlohmann::json record = {{"ts", rfc3339_utc(std::chrono::system_clock::now())}, {"level", level_name(level)}, {"event", event}};
    for (const auto& [key, value] : fields.items()) record[key] = value;
    line = record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    line = rfc3339_utc(std::chrono::system_clock::now()) + " " + level_name(level) + " " + std::string(event);
    for (const auto& [key, value] : fields.items()) line += " " + key + "=" + text_value(value);
  }
  sink().info(line);
}

}  // namespace cryftee::log
