#pragma once
// The seam between the host and a WebAssembly engine. An Engine compiles a module once; a Worker is an
// execution context (a V8 isolate) in which that compiled module is instantiated; an Instance
// calls exports under the module's limits. The host ABI (runtime/host_abi.h) and dispatch
// (runtime/dispatch.h) use only this header, so another engine is one more file next to v8_engine.cpp.
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "manifest/manifest.h"
#include "runtime/engine/wasm_binary.h"
#include "util/bytes.h"
#include "util/error.h"

namespace cryftee::engine {

// Why a call failed inside the module (as opposed to a host import refusing a request).
enum class FailState { Trap, Timeout, OutOfMemory, BadResponse };

const char* fail_state_name(FailState state);

// A call that failed because of the module: 500 module_trap, or 503 module_timeout for deadlines.
// The instance that raised it must be discarded.
class ModuleFault : public Error {
 public:
  ModuleFault(FailState state, const std::string& module_id, const std::string& detail);
  FailState state() const noexcept { return state_; }

 private:
  FailState state_;
};

// The running module's linear memory, valid for the duration of one host import callback.
class GuestMemory {
 public:
  virtual ~GuestMemory() = default;
  // Bytes [offset, offset + size); throws ModuleFault (Trap) when the range is outside the memory.
  virtual std::span<std::uint8_t> range(std::uint32_t offset, std::uint32_t size) = 0;
};

// Per-call state owned by the host ABI; engines only pass the pointer through to host callbacks.
struct CallContext;

// A host import. It receives the arguments widened to int64 (i32 arguments are sign-extended) and
// returns the result (ignored when the type has none). Throwing ModuleFault traps the module; throwing
// any other cryftee::Error ends the call with that error and keeps the instance.
using HostCallback = std::function<std::int64_t(GuestMemory&, CallContext*, std::span<const std::int64_t>)>;

struct HostFunction {
  std::string module;  // import namespace, e.g. "cryftee"
  std::string name;
  FunctionType type;
  HostCallback callback;
  // The import may wait on the network (Web3Signer). Its time does not count against the module's
  // deadline, which bounds the module's own execution; the import bounds itself with its own timeouts.
  bool blocking = false;
};

class CompiledModule {
 public:
  virtual ~CompiledModule() = default;
  virtual const std::string& id() const = 0;
  virtual const WasmModuleInfo& info() const = 0;
  virtual const ModuleLimits& limits() const = 0;
};

class Instance {
 public:
  virtual ~Instance() = default;
  // Calls an exported function under the module's deadline. Throws ModuleFault or the Error a host
  // import raised. After a ModuleFault the instance is broken() and must be replaced.
  virtual std::int64_t call(const std::string& export_name, std::span<const std::int64_t> args,
                            CallContext* context) = 0;
  virtual GuestMemory& memory() = 0;
  virtual bool broken() const = 0;
  // Current size of the linear memory in 64 KiB pages.
  virtual std::uint32_t memory_pages() = 0;
};

// One thread at a time may use a worker and its instances, any thread: each method binds the worker to
// the calling thread for its duration. A Hold keeps it bound across several calls (one whole request),
// which saves binding it again for each of them.
class Worker {
 public:
  class Hold {
   public:
    virtual ~Hold() = default;
  };
  virtual ~Worker() = default;
  virtual std::unique_ptr<Hold> hold() = 0;
  // `imports` holds one host function for every function the module imports.
  virtual std::unique_ptr<Instance> instantiate(const CompiledModule& module,
                                                const std::vector<HostFunction>& imports) = 0;
};

class Engine {
 public:
  virtual ~Engine() = default;
  virtual std::string name() const = 0;
  // Checks the binary against `limits` (size, memory) and compiles it; thread-safe. Throws
  // cryftee::Error (422) naming the module and what is wrong.
  virtual std::shared_ptr<const CompiledModule> compile(const std::string& module_id, ByteView wasm,
                                                        const ModuleLimits& limits) = 0;
  virtual std::unique_ptr<Worker> create_worker() = 0;
};

}  // namespace cryftee::engine
