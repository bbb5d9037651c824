// Host imports without secrets: logging, randomness, time, output, and the few WASI calls wasi-libc needs.
#include <openssl/rand.h>

#include <chrono>

#include "crypto/sha256.h"
#include "runtime/host_import_support.h"
#include "runtime/limits.h"
#include "util/log.h"

namespace cryftee::runtime {
namespace {

using namespace import_support;

constexpr std::int64_t kWasiSuccess = 0;
constexpr std::int64_t kWasiBadFileDescriptor = 8;
constexpr std::int64_t kWasiInvalidArgument = 28;
constexpr std::int64_t kStdout = 1;
constexpr std::int64_t kStderr = 2;
constexpr std::int64_t kWasiClockRealtime = 0;
constexpr std::int64_t kWasiClockMonotonic = 1;
constexpr std::size_t kMaxIoVectors = 64;

std::string module_id(const CallContext* context) { return context ? context->module_id : "module"; }

void write_module_log(const CallContext* context, std::int64_t level, std::string line) {
  // Module text is untrusted: keep printable ASCII only, so a log line is always valid and one line.
  for (char& c : line) {
    if (c < 0x20 || c > 0x7e) c = '?';
  }
  nlohmann::json fields{{"module", module_id(context)}, {"message", std::move(line)}};
  switch (level) {
    case 0: log::debug("module_log", fields); break;
    case 2: log::warn("module_log", fields); break;
    case 3: log::error("module_log", fields); break;
    default: log::info("module_log", fields); break;
  }
}

void fill_random(GuestMemory& memory, std::int64_t ptr, std::int64_t len, const CallContext* context, const char* name) {
  if (len < 0 || static_cast<std::uint64_t>(len) > runtime_limits::kMaxRandomBytes) {
    throw engine::ModuleFault(engine::FailState::Trap, module_id(context),
                              std::string("it asked ") + name + " for " + std::to_string(len) + " bytes (at most " +
                                  std::to_string(runtime_limits::kMaxRandomBytes) + ")");
  }
  Bytes random(static_cast<std::size_t>(len));
  if (!random.empty() && RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
    throw internal_error("the system random generator failed", "random_failed");
  }
  write_guest_bytes(memory, ptr, len, random, context, name);
}

std::int64_t unix_nanoseconds() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

HostImport wasi(std::string name, FunctionType type, engine::HostCallback callback) {
  return HostImport{std::string(kWasiGrantPrefix) + name,
                    engine::HostFunction{std::string(kWasiNamespace), name, std::move(type), std::move(callback)}};
}

std::uint32_t load_u32(GuestMemory& memory, std::int64_t ptr) {
  auto bytes = memory.range(static_cast<std::uint32_t>(ptr), 4);
  return bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (static_cast<std::uint32_t>(bytes[3]) << 24);
}

void store_le(GuestMemory& memory, std::int64_t ptr, std::uint64_t value, std::uint32_t size) {
  auto bytes = memory.range(static_cast<std::uint32_t>(ptr), size);
  for (std::uint32_t i = 0; i < size; ++i) bytes[i] = static_cast<std::uint8_t>(value >> (8 * i));
}

}  // namespace

std::vector<HostImport> basic_imports() {
  return {
      // log(level: 0 debug, 1 info, 2 warn, 3 error; ptr; len)
      cryftee_import("log", {{I32, I32, I32}, {}},
           [](GuestMemory& memory, CallContext* context, Args args) -> std::int64_t {
             write_module_log(context, args[0],
                              read_guest_string(memory, args[1], std::min<std::int64_t>(args[2], runtime_limits::kMaxLogLineBytes),
                                                runtime_limits::kMaxLogLineBytes, context, "log"));
             return 0;
           }),
      // random_bytes(ptr, len) -> 0
      cryftee_import("random_bytes", {{I32, I32}, {I32}},
           [](GuestMemory& memory, CallContext* context, Args args) -> std::int64_t {
             fill_random(memory, args[0], args[1], context, "random_bytes");
             return 0;
           }),
      // now_ms() -> milliseconds since the Unix epoch
      cryftee_import("now_ms", {{}, {I64}},
           [](GuestMemory&, CallContext*, Args) -> std::int64_t { return unix_nanoseconds() / 1'000'000; }),
      // sha256(ptr, len, out32) -> 32
      cryftee_import("sha256", {{I32, I32, I32}, {I32}},
           [](GuestMemory& memory, CallContext* context, Args args) -> std::int64_t {
             const Sha256Digest digest = sha256(as_bytes(
                 read_guest_string(memory, args[0], args[1], runtime_limits::kMaxHashInputBytes, context, "sha256")));
             return write_guest_bytes(memory, args[2], digest.size(), digest, context, "sha256");
           }),
      // output(ptr, len): appends to the call's response, which then replaces cryftee_handle's return value
      cryftee_import("output", {{I32, I32}, {}},
           [](GuestMemory& memory, CallContext* context, Args args) -> std::int64_t {
             if (context == nullptr) return 0;
             const std::size_t room = runtime_limits::kMaxResponseBytes - context->output.size();
             context->output += read_guest_string(memory, args[0], args[1], room, context, "output");
             context->used_output = true;
             return 0;
           }),
      // WASI fd_write(fd, iovs, iovs_len, nwritten_ptr): stdout and stderr become module log lines
      wasi("fd_write", {{I32, I32, I32, I32}, {I32}},
           [](GuestMemory& memory, CallContext* context, Args args) -> std::int64_t {
             if (args[0] != kStdout && args[0] != kStderr) return kWasiBadFileDescriptor;
             if (args[2] < 0 || static_cast<std::uint64_t>(args[2]) > kMaxIoVectors) return kWasiInvalidArgument;
             std::string text;
             std::uint64_t written = 0;
             for (std::int64_t i = 0; i < args[2]; ++i) {
               const std::uint32_t base = load_u32(memory, args[1] + 8 * i);
               const std::uint32_t size = load_u32(memory, args[1] + 8 * i + 4);
               written += size;
               if (text.size() < runtime_limits::kMaxLogLineBytes) {
                 const std::size_t room = runtime_limits::kMaxLogLineBytes - text.size();
                 text += read_guest_string(memory, base, std::min<std::uint64_t>(size, room), room, context, "fd_write");
               }
             }
             write_module_log(context, args[0] == kStderr ? 2 : 1, std::move(text));
             store_le(memory, args[3], written, 4);
             return kWasiSuccess;
           }),
      // WASI random_get(buf, len)
      wasi("random_get", {{I32, I32}, {I32}},
           [](GuestMemory& memory, CallContext* context, Args args) -> std::int64_t {
             fill_random(memory, args[0], args[1], context, "random_get");
             return kWasiSuccess;
           }),
      // WASI clock_time_get(clock_id, precision, time_ptr)
      wasi("clock_time_get", {{I32, I64, I32}, {I32}},
           [](GuestMemory& memory, CallContext*, Args args) -> std::int64_t {
             std::int64_t now = 0;
             if (args[0] == kWasiClockRealtime) {
               now = unix_nanoseconds();
             } else if (args[0] == kWasiClockMonotonic) {
               now = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
             } else {
               return kWasiInvalidArgument;
             }
             store_le(memory, args[2], static_cast<std::uint64_t>(now), 8);
             return kWasiSuccess;
           }),
      // WASI proc_exit(code): a module may not end the process; it traps instead
      wasi("proc_exit", {{I32}, {}},
           [](GuestMemory&, CallContext* context, Args args) -> std::int64_t {
             throw engine::ModuleFault(engine::FailState::Trap, module_id(context),
                                       "it called proc_exit(" + std::to_string(args[0]) + ")");
           }),
  };
}

}  // namespace cryftee::runtime
