#pragma once
// A small reader for the parts of a WebAssembly binary the host must check before handing it to an
// engine: what it imports (with signatures), what it exports, and how much memory it declares. It also
// rewrites the declared memory maximum, which is how the per-module page cap is enforced by any engine.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/bytes.h"

namespace cryftee::engine {

enum class ValueType : std::uint8_t { I32 = 0x7f, I64 = 0x7e, F32 = 0x7d, F64 = 0x7c };

struct FunctionType {
  std::vector<ValueType> params;
  std::vector<ValueType> results;
  bool operator==(const FunctionType&) const = default;
};

enum class ExternKind : std::uint8_t { Function = 0, Table = 1, Memory = 2, Global = 3, Tag = 4 };

struct WasmImport {
  std::string module;
  std::string name;
  ExternKind kind = ExternKind::Function;
  FunctionType type;  // functions only
};

struct WasmExport {
  std::string name;
  ExternKind kind = ExternKind::Function;
  std::uint32_t index = 0;
};

struct MemoryLimits {
  std::uint32_t min_pages = 0;
  std::optional<std::uint32_t> max_pages;
};

struct WasmModuleInfo {
  std::vector<FunctionType> types;
  std::vector<WasmImport> imports;
  std::vector<WasmExport> exports;
  std::vector<std::uint32_t> function_types;  // type index of each function defined by the module
  std::optional<MemoryLimits> memory;         // the module's own (not imported) memory

  const WasmExport* find_export(const std::string& name) const;
  // The signature of an exported function, or null when there is no such function export. Points into
  // this info (no copy: the engine looks it up on every call).
  const FunctionType* export_type(const std::string& name) const;
};

// Throws cryftee::Error (422 "bad_module") naming what is malformed.
WasmModuleInfo read_wasm_module(ByteView wasm);

// Returns a copy of `wasm` whose memory maximum is min(declared maximum, max_pages). Throws
// cryftee::Error (422 "module_limit") when the module has no memory of its own, declares shared or
// 64-bit memory, or needs more than max_pages to start.
Bytes cap_memory_pages(ByteView wasm, std::uint32_t max_pages);

}  // namespace cryftee::engine
