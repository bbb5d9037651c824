#pragma once
// What the host-import group files (host_*.cpp) share: short names for the engine's types, the handle
// size limit, the helper that makes an import of the "cryftee" namespace granted under its own name, and
// the memory-custody lookup both custody groups ask.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "custody/key_custody.h"
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

// Whether memory custody holds a BLS key with this handle (false when no custody is attached).
inline bool held_in_memory(CallContext* context, std::string_view handle) {
  if (context == nullptr || context->custody == nullptr) return false;
  try {
    context->custody->bls_key(handle);
    return true;
  } catch (const Error& error) {
    if (error.status() == 404) return false;
    throw;
  }
}

}  // namespace cryftee::runtime::import_support
