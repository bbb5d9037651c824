#include "util/log.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>

#include "util/time.h"

namespace cryftee::log {
namespace {

std::atomic<Level> g_level{Level::Info};
std::atomic<LogFormat> g_format{LogFormat::Text};

// Lines waiting to be written: batched lines while a LineBatcher lives. `output` is held by whoever
// writes to stderr, from before it takes the pending lines until they are written, so lines leave in
// the order they were logged; `pending_mutex` guards only the buffer, so logging a batched line never
// waits for a write.
struct Pending {
  std::mutex output;
  std::mutex pending_mutex;
  std::condition_variable wake;
  std::string lines;
  bool batching = false;
  bool stopping = false;
};

Pending& pending() {
  static Pending* instance = new Pending;  // never destroyed: threads may log during exit
  return *instance;
}

// Past this many bytes the caller writes them itself, so a stalled stderr slows the daemon down
// rather than growing the buffer without bound.
constexpr std::size_t kMaxPendingBytes = 1 << 20;

const char* level_name(Level level) {
  switch (level) {
    case Level::Debug: return "debug";
    case Level::Info: return "info";
    case Level::Warn: return "warn";
    case Level::Error: return "error";
  }
  return "info";
}

std::string text_value(const nlohmann::json& value) {
  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    return s.find_first_of(" \"=") == std::string::npos && !s.empty() ? s : nlohmann::json(s).dump();
  }
  return value.dump();
}

std::string format_line(Level level, std::string_view event, const nlohmann::json& fields) {
  std::string line;
  if (g_format.load() == LogFormat::Json) {
    nlohmann::json record = {{"ts", rfc3339_utc(std::chrono::system_clock::now())}, {"level", level_name(level)}, {"event", event}};
    for (const auto& [key, value] : fields.items()) record[key] = value;
    line = record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    line = rfc3339_utc(std::chrono::system_clock::now()) + " " + level_name(level) + " " + std::string(event);
    for (const auto& [key, value] : fields.items()) line += " " + key + "=" + text_value(value);
  }
  line += '\n';
  return line;
}

// What the text form writes after "key=": the JSON form of the value, strings bare when that is unambiguous.
void append_text_value(std::string& line, const Field& field) {
  if (const auto* text = std::get_if<std::string_view>(&field.value)) {
    if (!text->empty() && text->find_first_of(" \"=") == std::string_view::npos) {
      line.append(*text);
    } else {
      line.append(nlohmann::json(*text).dump());
    }
  } else if (const auto* number = std::get_if<std::int64_t>(&field.value)) {
    line.append(std::to_string(*number));
  } else {
    line.append(nlohmann::json(std::get<double>(field.value)).dump());
  }
}

void write_all(std::string_view text) {
  while (!text.empty()) {
    const ssize_t written = ::write(STDERR_FILENO, text.data(), text.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return;  // stderr is gone; nothing better can be done with a log line
    text.remove_prefix(static_cast<std::size_t>(written));
  }
}

// Writes the pending lines, then `line`, in one write when they fit.
void write_through(std::string_view line) {
  Pending& p = pending();
  std::lock_guard output(p.output);
  std::string lines;
  {
    std::lock_guard lock(p.pending_mutex);
    lines.swap(p.lines);
  }
  if (lines.empty()) return write_all(line);
  lines.append(line);
  write_all(lines);
}

void run_writer() {
  Pending& p = pending();
  std::unique_lock lock(p.pending_mutex);
  while (!p.stopping) {
    if (p.lines.empty()) {
      p.wake.wait(lock);
      continue;
    }
    // The first line of a batch woke us: let the batch fill, then write it.
    p.wake.wait_for(lock, kBatchInterval, [&p] { return p.stopping || p.lines.size() >= kMaxPendingBytes / 2; });
    lock.unlock();
    write_through({});
    lock.lock();
  }
}

// Collects the line while a LineBatcher lives, else writes it at once.
void append_batched(std::string line) {
  Pending& p = pending();
  {
    std::lock_guard lock(p.pending_mutex);
    if (p.batching && p.lines.size() < kMaxPendingBytes) {
      const bool first = p.lines.empty();
      p.lines.append(line);
      // One wake-up per batch, not per line.
      if (first) p.wake.notify_one();
      return;
    }
  }
  write_through(line);
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
  write_through(format_line(level, event, fields));
}

void batched(Level level, std::string_view event, const nlohmann::json& fields) {
  if (level < g_level.load()) return;
  append_batched(format_line(level, event, fields));
}

void batched_fields(Level level, std::string_view event, std::initializer_list<Field> fields) {
  if (level < g_level.load()) return;
  if (g_format.load() == LogFormat::Json) {
    nlohmann::json object = nlohmann::json::object();
    for (const Field& field : fields) {
      std::visit([&](const auto& value) { object[std::string(field.key)] = value; }, field.value);
    }
    return batched(level, event, object);
  }
  std::string line = rfc3339_utc(std::chrono::system_clock::now());
  line.reserve(160);
  line.append(" ").append(level_name(level)).append(" ").append(event);
  for (const Field& field : fields) {
    line.append(" ").append(field.key).append("=");
    append_text_value(line, field);
  }
  line += '\n';
  append_batched(std::move(line));
}

void flush() { write_through({}); }

LineBatcher::LineBatcher() {
  Pending& p = pending();
  {
    std::lock_guard lock(p.pending_mutex);
    if (p.batching) throw std::logic_error("only one log::LineBatcher at a time");
    p.batching = true;
    p.stopping = false;
  }
  writer_ = std::thread(run_writer);
}

LineBatcher::~LineBatcher() {
  Pending& p = pending();
  {
    std::lock_guard lock(p.pending_mutex);
    p.batching = false;
    p.stopping = true;
  }
  p.wake.notify_one();
  writer_.join();
  flush();
}

}  // namespace cryftee::log
