// debug_v1: a diagnostic module. Operation "echo" answers with the request JSON unchanged; any other
// operation answers with a JSON error naming it. It needs no host imports.
#include <stdint.h>

extern unsigned char __heap_base;  // first free byte after the data and the stack (set by wasm-ld)

static uintptr_t next_free = 0;

#define PAGE_SIZE 65536u

// Bump allocator: a call's buffers live until the instance is recycled, which keeps the module tiny.
__attribute__((export_name("cryftee_alloc"))) int32_t cryftee_alloc(int32_t size) {
  if (size < 0) return 0;
  if (next_free == 0) next_free = (uintptr_t)&__heap_base;
  const uintptr_t start = (next_free + 7u) & ~(uintptr_t)7u;
  const uintptr_t end = start + (uint32_t)size;
  const uintptr_t available = __builtin_wasm_memory_size(0) * PAGE_SIZE;
  if (end > available) {
    const uintptr_t pages = (end - available + PAGE_SIZE - 1) / PAGE_SIZE;
    if (__builtin_wasm_memory_grow(0, pages) == (uintptr_t)-1) return 0;
  }
  next_free = end;
  return (int32_t)start;
}

__attribute__((export_name("cryftee_abi_version"))) int32_t cryftee_abi_version(void) { return 1; }

static int64_t response(const char* data, uint32_t length) {
  return (int64_t)(((uint64_t)(uint32_t)(uintptr_t)data << 32) | length);
}

static int equals(const char* a, uint32_t a_length, const char* b) {
  uint32_t i = 0;
  for (; i < a_length && b[i] != '\0'; ++i) {
    if (a[i] != b[i]) return 0;
  }
  return i == a_length && b[i] == '\0';
}

// Copies `text` to `out` and returns the position after it.
static char* append(char* out, const char* text, uint32_t length) {
  for (uint32_t i = 0; i < length; ++i) *out++ = text[i];
  return out;
}

static uint32_t length_of(const char* text) {
  uint32_t n = 0;
  while (text[n] != '\0') ++n;
  return n;
}

// {"error":"unknown_operation","message":"debug_v1 has no operation '<op>'"}, with the name reduced to
// characters that need no JSON escaping.
static int64_t unknown_operation(const char* op, uint32_t op_length) {
  static const char head[] = "{\"error\":\"unknown_operation\",\"message\":\"debug_v1 has no operation '";
  static const char tail[] = "'\"}";
  char* buffer = (char*)(uintptr_t)cryftee_alloc((int32_t)(sizeof head + op_length + sizeof tail));
  if (buffer == 0) return 0;
  char* out = append(buffer, head, length_of(head));
  for (uint32_t i = 0; i < op_length; ++i) {
    const char c = op[i];
    const int plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    *out++ = plain ? c : '?';
  }
  out = append(out, tail, length_of(tail));
  return response(buffer, (uint32_t)(out - buffer));
}

__attribute__((export_name("cryftee_handle"))) int64_t cryftee_handle(int32_t op_ptr, int32_t op_len, int32_t req_ptr,
                                                                       int32_t req_len) {
  const char* op = (const char*)(uintptr_t)op_ptr;
  if (equals(op, (uint32_t)op_len, "echo")) return response((const char*)(uintptr_t)req_ptr, (uint32_t)req_len);
  return unknown_operation(op, (uint32_t)op_len);
}
