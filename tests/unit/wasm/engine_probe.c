// A tiny module that exercises the engine: plain calls, a host import, and each way a module can fail.
// Built to wasm32 by tests/CMakeLists.txt for engine_v8_test.cpp.
#define EXPORT(name) __attribute__((export_name(name)))

__attribute__((import_module("cryftee"), import_name("probe_double"))) long long probe_double(int value);

static volatile int sink;

EXPORT("add") int add(int a, int b) { return a + b; }

EXPORT("wide") long long wide(long long value) { return value * 3; }

EXPORT("via_host") long long via_host(int value) { return probe_double(value) + 1; }

EXPORT("trap") int trap(void) { __builtin_trap(); }

EXPORT("spin") int spin(void) {
  for (;;) sink++;
}

EXPORT("grow_forever") int grow_forever(void) {
  while (__builtin_wasm_memory_grow(0, 1) != (__SIZE_TYPE__)-1) {
  }
  __builtin_trap();
}

EXPORT("pages") int pages(void) { return (int)__builtin_wasm_memory_size(0); }

EXPORT("store") int store(int offset, int value) {
  *(volatile unsigned char*)offset = (unsigned char)value;
  return value;
}
