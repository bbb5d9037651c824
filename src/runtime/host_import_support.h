#pragma once
// What the host-import group files (host_*.cpp) share: short names for the engine's types, the handle
// size limit, the helper that makes an import of the "cryftee" namespace granted under its own name, and
// the custody façade of a call.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "custody/custody.h"
#include "runtime/host_abi.h"
#include "util/error.h"

namespace cryftee::runtime::import_support {

using engine::FunctionType;
using engine::GuestMemory;
using engine::ValueType;
using Args = std::span<const std::int64_t>;

inline constexpr ValueType I32 = ValueType::I32;
inline constexpr ValueType I64 = ValueType::I64;
// Most bytes of a key handle a module may pass in.
inline constexpr std::size_t kMaxHandleBytes = 96;

// Blocking::Yes: the import waits on the network, so the module's deadline pauses while it runs.
enum class Blocking { No, Yes };

inline HostImport cryftee_import(std::string name, FunctionType type, engine::HostCallback callback,
                                 Blocking blocking = Blocking::No) {
  engine::HostFunction function{std::string(kHostNamespace), name, std::move(type), std::move(callback)};
  function.blocking = blocking == Blocking::Yes;
  return HostImport{std::move(name), std::move(function)};
}

// The custody of the call; the engine passes a context to every host callback of a call_module().
inline Custody& custody_of(CallContext* context) {
  if (context == nullptr) throw internal_error("a custody import ran outside a module call", "no_call_context");
  return context->custody;
}

// The module a call runs, for metrics and messages.
inline std::string module_of(const CallContext* context) { return context ? context->module_id : std::string(); }

}  // namespace cryftee::runtime::import_support
