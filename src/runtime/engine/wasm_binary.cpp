#include "runtime/engine/wasm_binary.h"

#include <array>

#include "util/error.h"

namespace cryftee::engine {
namespace {

constexpr std::array<std::uint8_t, 8> kHeader{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
constexpr std::uint8_t kTypeSection = 1;
constexpr std::uint8_t kImportSection = 2;
constexpr std::uint8_t kFunctionSection = 3;
constexpr std::uint8_t kMemorySection = 5;
constexpr std::uint8_t kExportSection = 7;
constexpr std::uint8_t kFunctionTypeForm = 0x60;
constexpr std::uint8_t kLimitsHasMax = 0x01;
constexpr std::uint8_t kLimitsSharedOrMemory64 = 0x06;

Error malformed(const std::string& what) {
  return Error(422, "bad_module", "the module is not a valid WebAssembly binary: " + what +
                                      "; rebuild it with the module SDK");
}

class Reader {
 public:
  Reader(ByteView bytes) : bytes_(bytes) {}

  bool done() const { return pos_ >= bytes_.size(); }
  std::size_t position() const { return pos_; }

  std::uint8_t byte() {
    if (pos_ >= bytes_.size()) throw malformed("unexpected end of data");
    return bytes_[pos_++];
  }
  std::uint32_t u32() {
    std::uint32_t value = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      std::uint8_t b = byte();
      value |= static_cast<std::uint32_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return value;
    }
    throw malformed("LEB128 integer too long");
  }
  ByteView take(std::size_t size) {
    if (size > bytes_.size() - pos_) throw malformed("a length runs past the end of its section");
    ByteView view = bytes_.subspan(pos_, size);
    pos_ += size;
    return view;
  }
  std::string name() { return as_string(take(u32())); }
  ValueType value_type() {
    std::uint8_t b = byte();
    switch (b) {
      case 0x7f: case 0x7e: case 0x7d: case 0x7c: return static_cast<ValueType>(b);
      default: throw malformed("unsupported value type " + std::to_string(b));
    }
  }
  MemoryLimits limits() {
    std::uint8_t flags = byte();
    if (flags & kLimitsSharedOrMemory64) throw Error(422, "module_limit", "the module declares shared or 64-bit memory, which the host does not run");
    MemoryLimits limits;
    limits.min_pages = u32();
    if (flags & kLimitsHasMax) limits.max_pages = u32();
    return limits;
  }

 private:
  ByteView bytes_;
  std::size_t pos_ = 0;
};

void write_u32(Bytes& out, std::uint32_t value) {
  do {
    std::uint8_t b = value & 0x7f;
    value >>= 7;
    if (value != 0) b |= 0x80;
    out.push_back(b);
  } while (value != 0);
}

void check_header(Reader& reader) {
  for (std::uint8_t expected : kHeader) {
    if (reader.byte() != expected) throw malformed("wrong magic number or version (need wasm version 1)");
  }
}

void read_types(Reader& r, WasmModuleInfo& info) {
  for (std::uint32_t n = r.u32(); n > 0; --n) {
    if (r.byte() != kFunctionTypeForm) throw malformed("a type is not a function type");
    FunctionType type;
    for (std::uint32_t p = r.u32(); p > 0; --p) type.params.push_back(r.value_type());
    for (std::uint32_t q = r.u32(); q > 0; --q) type.results.push_back(r.value_type());
    info.types.push_back(std::move(type));
  }
}

void read_imports(Reader& r, WasmModuleInfo& info) {
  for (std::uint32_t n = r.u32(); n > 0; --n) {
    WasmImport import;
    import.module = r.name();
    import.name = r.name();
    import.kind = static_cast<ExternKind>(r.byte());
    switch (import.kind) {
      case ExternKind::Function: {
        std::uint32_t index = r.u32();
        if (index >= info.types.size()) throw malformed("an import names an unknown type");
        import.type = info.types[index];
        break;
      }
      case ExternKind::Table: r.byte(); r.limits(); break;
      case ExternKind::Memory: r.limits(); break;
      case ExternKind::Global: r.value_type(); r.byte(); break;
      case ExternKind::Tag: r.byte(); r.u32(); break;
      default: throw malformed("unknown import kind");
    }
    info.imports.push_back(std::move(import));
  }
}

void read_functions(Reader& r, WasmModuleInfo& info) {
  for (std::uint32_t n = r.u32(); n > 0; --n) {
    std::uint32_t index = r.u32();
    if (index >= info.types.size()) throw malformed("a function names an unknown type");
    info.function_types.push_back(index);
  }
}

void read_memory(Reader& r, WasmModuleInfo& info) {
  std::uint32_t count = r.u32();
  if (count > 1) throw malformed("more than one memory");
  if (count == 1) info.memory = r.limits();
}

void read_exports(Reader& r, WasmModuleInfo& info) {
  for (std::uint32_t n = r.u32(); n > 0; --n) {
    WasmExport exported;
    exported.name = r.name();
    exported.kind = static_cast<ExternKind>(r.byte());
    exported.index = r.u32();
    info.exports.push_back(std::move(exported));
  }
}

}  // namespace

const WasmExport* WasmModuleInfo::find_export(const std::string& name) const {
  for (const auto& exported : exports) {
    if (exported.name == name) return &exported;
  }
  return nullptr;
}

const FunctionType* WasmModuleInfo::export_type(const std::string& name) const {
  const WasmExport* exported = find_export(name);
  if (exported == nullptr || exported->kind != ExternKind::Function) return nullptr;
  // Function indices count imported functions first, then the module's own.
  std::uint32_t index = exported->index;
  for (const auto& import : imports) {
    if (import.kind != ExternKind::Function) continue;
    if (index == 0) return &import.type;
    --index;
  }
  if (index >= function_types.size() || function_types[index] >= types.size()) return nullptr;
  return &types[function_types[index]];
}

WasmModuleInfo read_wasm_module(ByteView wasm) {
  Reader reader(wasm);
  check_header(reader);
  WasmModuleInfo info;
  while (!reader.done()) {
    std::uint8_t id = reader.byte();
    Reader section(reader.take(reader.u32()));
    switch (id) {
      case kTypeSection: read_types(section, info); break;
      case kImportSection: read_imports(section, info); break;
      case kFunctionSection: read_functions(section, info); break;
      case kMemorySection: read_memory(section, info); break;
      case kExportSection: read_exports(section, info); break;
      default: break;  // code, data, custom, ... are the engine's business
    }
  }
  return info;
}

Bytes cap_memory_pages(ByteView wasm, std::uint32_t max_pages) {
  Reader reader(wasm);
  check_header(reader);
  Bytes out(kHeader.begin(), kHeader.end());
  bool found = false;
  while (!reader.done()) {
    std::size_t section_start = reader.position();
    std::uint8_t id = reader.byte();
    ByteView content = reader.take(reader.u32());
    if (id != kMemorySection) {
      out.insert(out.end(), wasm.begin() + section_start, wasm.begin() + reader.position());
      continue;
    }
    Reader section(content);
    if (section.u32() != 1) throw malformed("the memory section must declare exactly one memory");
    MemoryLimits declared = section.limits();
    if (declared.min_pages > max_pages) {
      throw Error(422, "module_limit",
                  "the module needs " + std::to_string(declared.min_pages) + " memory pages to start but its limit is " +
                      std::to_string(max_pages) + "; raise limits.memoryPages in its manifest entry or shrink the module");
    }
    std::uint32_t capped = declared.max_pages ? std::min(*declared.max_pages, max_pages) : max_pages;
    Bytes rewritten;
    write_u32(rewritten, 1);
    rewritten.push_back(kLimitsHasMax);
    write_u32(rewritten, declared.min_pages);
    write_u32(rewritten, capped);
    out.push_back(kMemorySection);
    write_u32(out, static_cast<std::uint32_t>(rewritten.size()));
    out.insert(out.end(), rewritten.begin(), rewritten.end());
    found = true;
  }
  if (!found) throw Error(422, "bad_module", "the module defines no memory of its own; ABI v1 modules export their memory");
  return out;
}

}  // namespace cryftee::engine
