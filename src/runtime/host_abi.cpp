#include "runtime/host_abi.h"

#include <algorithm>
#include <cstring>

#include "runtime/limits.h"

namespace cryftee::runtime {
namespace {

using engine::FunctionType;
using engine::ValueType;

std::string module_name(const CallContext* context) { return context ? context->module_id : "module"; }

std::string describe(const engine::WasmImport& import) { return import.module + "." + import.name; }

std::string grant_name(const engine::WasmImport& import) {
  if (import.module == kWasiNamespace) return std::string(kWasiGrantPrefix) + import.name;
  return import.name;
}

void require_export(const engine::WasmModuleInfo& info, const std::string& name, const FunctionType& expected) {
  const FunctionType* actual = info.export_type(name);
  if (!actual || *actual != expected) {
    throw Error(422, "bad_module", "the module does not export '" + name +
                                       "' with the ABI v1 signature; build it with sdk/include/cryftee.h");
  }
}

}  // namespace

const std::vector<HostImport>& host_imports() {
  static const std::vector<HostImport> all = [] {
    std::vector<HostImport> imports = basic_imports();
    for (auto group : {custody_imports(), web3signer_imports(), http_imports()}) {
      imports.insert(imports.end(), std::make_move_iterator(group.begin()), std::make_move_iterator(group.end()));
    }
    return imports;
  }();
  return all;
}

std::vector<engine::HostFunction> resolve_imports(const engine::WasmModuleInfo& info,
                                                  const std::vector<std::string>& granted) {
  std::vector<engine::HostFunction> resolved;
  for (const auto& import : info.imports) {
    if (import.kind != engine::ExternKind::Function) {
      throw Error(422, "unknown_import", "the module imports " + describe(import) +
                                             ", which is not a function; ABI v1 modules import only host functions");
    }
    auto offered = std::find_if(host_imports().begin(), host_imports().end(), [&](const HostImport& candidate) {
      return candidate.function.module == import.module && candidate.function.name == import.name;
    });
    if (offered == host_imports().end()) {
      throw Error(422, "unknown_import", "the module imports " + describe(import) +
                                             ", which the host does not offer (see docs/abi.md)");
    }
    if (std::find(granted.begin(), granted.end(), grant_name(import)) == granted.end()) {
      throw Error(422, "import_not_granted", "the module imports " + describe(import) +
                                                 " but its manifest entry does not grant '" + grant_name(import) +
                                                 "' in \"imports\"");
    }
    if (offered->function.type != import.type) {
      throw Error(422, "bad_module", "the module imports " + describe(import) + " with a signature other than the host's");
    }
    resolved.push_back(offered->function);
  }
  return resolved;
}

void check_abi_exports(const engine::WasmModuleInfo& info) {
  const engine::WasmExport* memory = info.find_export("memory");
  if (memory == nullptr || memory->kind != engine::ExternKind::Memory) {
    throw Error(422, "bad_module", "the module does not export its memory as 'memory'");
  }
  require_export(info, "cryftee_abi_version", {{}, {ValueType::I32}});
  require_export(info, "cryftee_alloc", {{ValueType::I32}, {ValueType::I32}});
  require_export(info, "cryftee_handle",
                 {{ValueType::I32, ValueType::I32, ValueType::I32, ValueType::I32}, {ValueType::I64}});
}

void check_instance_abi(engine::Instance& instance, const std::string& module_id) {
  const std::int64_t version = instance.call("cryftee_abi_version", {}, nullptr);
  if (version != kAbiVersion) {
    throw engine::ModuleFault(engine::FailState::BadResponse, module_id,
                              "it was built for ABI version " + std::to_string(version) + ", the host speaks " +
                                  std::to_string(kAbiVersion));
  }
}

std::string read_guest_string(engine::GuestMemory& memory, std::int64_t ptr, std::int64_t len, std::size_t max_len,
                              const CallContext* context, std::string_view import_name) {
  if (ptr < 0 || len < 0 || static_cast<std::uint64_t>(len) > max_len || ptr > UINT32_MAX) {
    throw engine::ModuleFault(engine::FailState::Trap, module_name(context),
                              "it passed " + std::string(import_name) + " a length of " + std::to_string(len) +
                                  " bytes (at most " + std::to_string(max_len) + ")");
  }
  auto bytes = memory.range(static_cast<std::uint32_t>(ptr), static_cast<std::uint32_t>(len));
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

std::int64_t write_guest_bytes(engine::GuestMemory& memory, std::int64_t ptr, std::int64_t capacity, ByteView bytes,
                               const CallContext* context, std::string_view import_name) {
  if (ptr < 0 || capacity < 0 || static_cast<std::uint64_t>(capacity) < bytes.size() || ptr > UINT32_MAX) {
    throw engine::ModuleFault(engine::FailState::Trap, module_name(context),
                              "its buffer for " + std::string(import_name) + " holds " + std::to_string(capacity) +
                                  " bytes but the result needs " + std::to_string(bytes.size()));
  }
  auto target = memory.range(static_cast<std::uint32_t>(ptr), static_cast<std::uint32_t>(bytes.size()));
  if (!bytes.empty()) std::memcpy(target.data(), bytes.data(), bytes.size());
  return static_cast<std::int64_t>(bytes.size());
}

std::string call_module(engine::Instance& instance, std::string_view operation, std::string_view request,
                        CallContext& context) {
  // One allocation holds both, operation first: each export call is a V8 entry, the dearest step of a
  // module call after the module's own work.
  const std::size_t total = operation.size() + request.size();
  std::int64_t size[] = {static_cast<std::int64_t>(total)};
  const std::int64_t op_ptr = static_cast<std::uint32_t>(instance.call("cryftee_alloc", size, &context));
  if (op_ptr == 0 && total > 0) {
    throw engine::ModuleFault(engine::FailState::OutOfMemory, context.module_id,
                              "cryftee_alloc(" + std::to_string(total) + ") returned 0");
  }
  write_guest_bytes(instance.memory(), op_ptr, static_cast<std::int64_t>(operation.size()), as_bytes(operation), &context,
                    "cryftee_alloc");
  const std::int64_t request_ptr = op_ptr + static_cast<std::int64_t>(operation.size());
  write_guest_bytes(instance.memory(), request_ptr, static_cast<std::int64_t>(request.size()), as_bytes(request), &context,
                    "cryftee_alloc");
  std::int64_t args[] = {op_ptr, static_cast<std::int64_t>(operation.size()), request_ptr,
                         static_cast<std::int64_t>(request.size())};
  context.output.clear();
  context.used_output = false;
  const std::uint64_t packed = static_cast<std::uint64_t>(instance.call("cryftee_handle", args, &context));
  if (context.used_output) return std::move(context.output);
  const std::uint32_t response_ptr = static_cast<std::uint32_t>(packed >> 32);
  const std::uint32_t response_len = static_cast<std::uint32_t>(packed & 0xffffffffu);
  return read_guest_string(instance.memory(), response_ptr, response_len, runtime_limits::kMaxResponseBytes, &context,
                           "cryftee_handle's response");
}

}  // namespace cryftee::runtime
