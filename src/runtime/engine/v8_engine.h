#pragma once
// The V8 backend of the engine interface, using the V8 10.2 inside Debian's libnode.
//
// Findings that shaped it:
// - libnode does not export v8::platform::NewDefaultPlatform, so the process uses node's
//   MultiIsolatePlatform. That platform requires every isolate to be registered; we register ours with
//   our own IsolatePlatformDelegate (a foreground task queue each worker drains between calls), so no
//   libuv loop and no node environment is needed.
// - Modules are compiled once (WasmModuleObject::Compile in a compile isolate) and shared with every
//   worker isolate through CompiledWasmModule / FromCompiledModule, which 10.2 has.
// - Flags: --no-liftoff compiles with TurboFan up front, so there is no background tier-up racing the
//   first calls; --wasm-max-mem-pages caps every memory at runtime::kModuleLimitCaps as a second
//   line behind the per-module cap written into the binary. Instantiation uses the WebAssembly JS object
//   (10.2 has no C++ instantiate API), so it stays exposed; no JavaScript from outside ever runs.
// - Deadlines: a watchdog thread per worker calls Isolate::TerminateExecution, which wasm loop
//   back-edges honour; the worker then calls CancelTerminateExecution and discards the instance.
#include <memory>

#include "runtime/engine/engine.h"

namespace cryftee::engine {

std::unique_ptr<Engine> make_v8_engine();

}  // namespace cryftee::engine
