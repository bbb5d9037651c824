#pragma once
// Host ABI v1: what a module exports, what the host offers it to import, and how one call runs.
// docs/abi.md is the full description; sdk/include/cryftee.h is the module side of the same contract.
//
// Exports: memory, cryftee_abi_version() -> i32 (1), cryftee_alloc(i32 size) -> i32,
//          cryftee_handle(i32 op_ptr, i32 op_len, i32 req_ptr, i32 req_len) -> i64 (ptr << 32 | len).
// Imports: only functions of the namespace "cryftee" (and a few of "wasi_snapshot_preview1"), each one
// granted by name in the module's signed manifest entry ("imports"). Import groups, one file each:
//   host_basic.cpp       log, random_bytes, now_ms, output; WASI fd_write, random_get, clock_time_get, proc_exit
//   host_custody.cpp     bls_* and tls_* key custody by handle (secrets stay in the host)
//   host_web3signer.cpp  bls_persist and web3signer_*: keys held by Web3Signer (the password stays in the host)
//   host_http.cpp        http_request, only to the configured Web3Signer URLs
// (host_import_support.h holds what these files share.) The custody groups only marshal arguments between
// module memory and the Custody façade (custody/custody.h), which decides which backend holds a key and
// what is refused.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/engine/engine.h"

namespace cryftee {
class Custody;  // custody/custody.h
}

namespace cryftee::runtime {

// Everything a host import may use during one call. Owned by the caller of call_module; the engine
// passes it through to host callbacks without looking inside.
struct CallContext {
  std::string module_id;
  Custody& custody;                              // every key import goes through it (custody/custody.h)
  const std::vector<std::string>& egress_urls;   // the Web3Signer URLs http_request may reach; empty: none
  std::string output;                            // what the module wrote with the output import
  bool used_output = false;
};

inline constexpr std::int32_t kAbiVersion = 1;
inline constexpr std::string_view kHostNamespace = "cryftee";
inline constexpr std::string_view kWasiNamespace = "wasi_snapshot_preview1";
// Grant names of WASI imports in a manifest's "imports" list carry this prefix: "wasi:fd_write".
inline constexpr std::string_view kWasiGrantPrefix = "wasi:";
// Most bytes of an operation name.
inline constexpr std::size_t kMaxOperationBytes = 64;

// A host import and the name under which a manifest grants it.
struct HostImport {
  std::string grant;
  engine::HostFunction function;
};

// Every import the host offers, all groups together.
const std::vector<HostImport>& host_imports();
// Groups (one file each).
std::vector<HostImport> basic_imports();
std::vector<HostImport> custody_imports();
std::vector<HostImport> web3signer_imports();
std::vector<HostImport> http_imports();

// The host functions for every import of a module, in the module's import order. Throws cryftee::Error
// 422 "import_not_granted" or "unknown_import" naming the first offending import, "bad_module" when an
// import's signature differs from the host's.
std::vector<engine::HostFunction> resolve_imports(const engine::WasmModuleInfo& info,
                                                  const std::vector<std::string>& granted);
// Throws cryftee::Error 422 "bad_module" unless the module has the ABI v1 exports with their signatures.
void check_abi_exports(const engine::WasmModuleInfo& info);

// Checks cryftee_abi_version() of a fresh instance; throws ModuleFault when it is not kAbiVersion.
void check_instance_abi(engine::Instance& instance, const std::string& module_id);

// Runs one operation: copies `operation` and `request` into the module through cryftee_alloc, calls
// cryftee_handle and returns the response text. Throws ModuleFault for module failures and the Error a
// host import raised.
std::string call_module(engine::Instance& instance, std::string_view operation, std::string_view request,
                        CallContext& context);

// Helpers for import implementations.
// Copies [ptr, ptr + len) out of the module; throws ModuleFault when the range is invalid or longer than max_len.
std::string read_guest_string(engine::GuestMemory& memory, std::int64_t ptr, std::int64_t len, std::size_t max_len,
                              const CallContext* context, std::string_view import_name);
// Writes bytes into a module buffer of `capacity` bytes; throws ModuleFault when they do not fit.
std::int64_t write_guest_bytes(engine::GuestMemory& memory, std::int64_t ptr, std::int64_t capacity, ByteView bytes,
                               const CallContext* context, std::string_view import_name);

}  // namespace cryftee::runtime
