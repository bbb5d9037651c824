#include "runtime/engine/v8_engine.h"

#include <node.h>
#include <v8.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "runtime/limits.h"

namespace cryftee::engine {
namespace {

using Clock = std::chrono::steady_clock;

// ---- process-wide V8 ----

node::MultiIsolatePlatform& platform() {
  // V8 can be initialised once per process and never again after disposal, so it lives until exit.
  static node::MultiIsolatePlatform* instance = [] {
    const std::string flags = "--no-liftoff --wasm-max-mem-pages=" + std::to_string(runtime::kModuleLimitCaps.memory_pages);
    v8::V8::SetFlagsFromString(flags.c_str(), flags.size());
    auto created = node::MultiIsolatePlatform::Create(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
    v8::V8::InitializePlatform(created.get());
    v8::V8::Initialize();
    return created.release();
  }();
  return *instance;
}

v8::ArrayBuffer::Allocator* array_buffer_allocator() {
  static v8::ArrayBuffer::Allocator* allocator = v8::ArrayBuffer::Allocator::NewDefaultAllocator();
  return allocator;
}

// Foreground tasks V8 posts for an isolate; the owning worker runs them between calls.
class ForegroundTasks final : public v8::TaskRunner {
 public:
  void PostTask(std::unique_ptr<v8::Task> task) override { post(std::move(task), Clock::now()); }
  void PostNonNestableTask(std::unique_ptr<v8::Task> task) override { PostTask(std::move(task)); }
  void PostDelayedTask(std::unique_ptr<v8::Task> task, double delay_seconds) override {
    post(std::move(task), Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(delay_seconds)));
  }
  void PostNonNestableDelayedTask(std::unique_ptr<v8::Task> task, double delay_seconds) override {
    PostDelayedTask(std::move(task), delay_seconds);
  }
  void PostIdleTask(std::unique_ptr<v8::IdleTask>) override {}
  bool IdleTasksEnabled() override { return false; }
  bool NonNestableTasksEnabled() const override { return true; }
  bool NonNestableDelayedTasksEnabled() const override { return true; }

  void run_due() {
    std::vector<std::unique_ptr<v8::Task>> due;
    {
      std::lock_guard lock(mutex_);
      const auto now = Clock::now();
      for (auto it = tasks_.begin(); it != tasks_.end();) {
        if (it->first <= now) {
          due.push_back(std::move(it->second));
          it = tasks_.erase(it);
        } else {
          ++it;
        }
      }
    }
    for (auto& task : due) task->Run();
  }

 private:
  void post(std::unique_ptr<v8::Task> task, Clock::time_point due) {
    std::lock_guard lock(mutex_);
    tasks_.emplace_back(due, std::move(task));
  }
  std::mutex mutex_;
  std::deque<std::pair<Clock::time_point, std::unique_ptr<v8::Task>>> tasks_;
};

class PlatformDelegate final : public node::IsolatePlatformDelegate {
 public:
  std::shared_ptr<v8::TaskRunner> GetForegroundTaskRunner() override { return tasks_; }
  bool IdleTasksEnabled() override { return false; }
  ForegroundTasks& tasks() { return *tasks_; }

 private:
  std::shared_ptr<ForegroundTasks> tasks_ = std::make_shared<ForegroundTasks>();
};

// An isolate registered with the platform, disposed in the order the platform requires.
class OwnedIsolate {
 public:
  OwnedIsolate() {
    platform();
    v8::Isolate::CreateParams params;
    params.array_buffer_allocator = array_buffer_allocator();
    params.constraints.ConfigureDefaultsFromHeapSize(0, runtime_limits::kIsolateHeapBytes);
    isolate_ = v8::Isolate::Allocate();
    platform().RegisterIsolate(isolate_, &delegate_);
    v8::Isolate::Initialize(isolate_, params);
  }
  ~OwnedIsolate() {
    platform().UnregisterIsolate(isolate_);
    isolate_->Dispose();
  }
  OwnedIsolate(const OwnedIsolate&) = delete;
  OwnedIsolate& operator=(const OwnedIsolate&) = delete;

  v8::Isolate* get() const { return isolate_; }
  void run_foreground_tasks() { delegate_.tasks().run_due(); }

 private:
  PlatformDelegate delegate_;
  v8::Isolate* isolate_ = nullptr;
};

std::string exception_text(v8::Isolate* isolate, v8::Local<v8::Context> context, const v8::TryCatch& try_catch) {
  if (try_catch.Exception().IsEmpty()) return "unknown error";
  v8::String::Utf8Value text(isolate, try_catch.Exception());
  return *text ? std::string(*text) : std::string("unknown error");
}

v8::Local<v8::String> v8_string(v8::Isolate* isolate, const std::string& text) {
  return v8::String::NewFromUtf8(isolate, text.data(), v8::NewStringType::kNormal, static_cast<int>(text.size()))
      .ToLocalChecked();
}

// Binds an isolate to the calling thread. V8 lets whichever thread holds an isolate's lock use it; a thread
// that holds it already only counts one more entry, so bindings nest cheaply.
struct BoundIsolate {
  explicit BoundIsolate(v8::Isolate* isolate) : locker(isolate), scope(isolate) {}
  v8::Locker locker;
  v8::Isolate::Scope scope;
};

// ---- deadlines ----

// Stops whatever runs in one isolate when the armed deadline passes.
class Watchdog {
 public:
  explicit Watchdog(v8::Isolate* isolate) : isolate_(isolate), thread_([this] { run(); }) {}
  ~Watchdog() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }

  void arm(std::chrono::milliseconds budget) {
    std::lock_guard lock(mutex_);
    deadline_ = Clock::now() + budget;
    armed_ = true;
    fired_ = false;
    // Waking the thread costs a context switch per call; it need not wake when it already sleeps until
    // an earlier (stale) deadline, since it re-checks then and waits on for this one.
    if (deadline_ < sleeping_until_) wake_.notify_one();
  }
  // Returns true when the deadline fired during the armed period.
  bool disarm() {
    std::lock_guard lock(mutex_);
    armed_ = false;
    paused_ = false;
    return fired_;
  }
  // Stops the clock while a blocking host import runs; resume() gives the call the rest of its budget.
  void pause() {
    std::lock_guard lock(mutex_);
    if (!armed_ || paused_) return;
    remaining_ = std::max(Clock::duration::zero(), deadline_ - Clock::now());
    paused_ = true;
  }
  void resume() {
    std::lock_guard lock(mutex_);
    if (!armed_ || !paused_) return;
    deadline_ = Clock::now() + remaining_;
    paused_ = false;
    if (deadline_ < sleeping_until_) wake_.notify_one();
  }

 private:
  void run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      if (!armed_ || paused_) {
        sleeping_until_ = Clock::time_point::max();
        wake_.wait(lock);
        continue;
      }
      sleeping_until_ = deadline_;
      if (wake_.wait_until(lock, deadline_) == std::cv_status::timeout && armed_ && !paused_ &&
          Clock::now() >= deadline_) {
        fired_ = true;
        armed_ = false;
        isolate_->TerminateExecution();
      }
    }
  }

  v8::Isolate* isolate_;
  std::mutex mutex_;
  std::condition_variable wake_;
  Clock::time_point deadline_;
  Clock::duration remaining_{};
  bool paused_ = false;
  Clock::time_point sleeping_until_ = Clock::time_point::max();  // when the thread wakes up by itself
  bool armed_ = false;
  bool fired_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

// ---- compiled modules ----

class V8CompiledModule final : public CompiledModule {
 public:
  V8CompiledModule(std::string id, WasmModuleInfo info, EffectiveLimits limits, v8::CompiledWasmModule compiled)
      : id_(std::move(id)), info_(std::move(info)), limits_(limits), compiled_(std::move(compiled)) {}
  const std::string& id() const override { return id_; }
  const WasmModuleInfo& info() const override { return info_; }
  const EffectiveLimits& limits() const override { return limits_; }
  const v8::CompiledWasmModule& compiled() const { return compiled_; }

 private:
  std::string id_;
  WasmModuleInfo info_;
  EffectiveLimits limits_;
  v8::CompiledWasmModule compiled_;
};

// ---- instances ----

class V8Instance;

struct HostBinding {
  const HostFunction* function;
  V8Instance* instance;
};

class V8Instance final : public Instance, public GuestMemory {
 public:
  V8Instance(v8::Isolate* isolate, Watchdog& watchdog, const V8CompiledModule& module,
             const std::vector<HostFunction>& imports)
      : isolate_(isolate), watchdog_(watchdog), module_(module), imports_(imports) {
    BoundIsolate bound(isolate_);
    v8::HandleScope handles(isolate_);
    v8::Local<v8::Context> context = v8::Context::New(isolate_);
    context_.Reset(isolate_, context);
    v8::Context::Scope context_scope(context);
    v8::TryCatch try_catch(isolate_);

    bindings_.reserve(imports_.size());
    v8::Local<v8::Object> import_object = v8::Object::New(isolate_);
    for (const HostFunction& function : imports_) {
      bindings_.push_back(HostBinding{&function, this});
      v8::Local<v8::Value> namespace_value;
      v8::Local<v8::String> namespace_name = v8_string(isolate_, function.module);
      if (!import_object->Get(context, namespace_name).ToLocal(&namespace_value) || !namespace_value->IsObject()) {
        namespace_value = v8::Object::New(isolate_);
        import_object->Set(context, namespace_name, namespace_value).Check();
      }
      v8::Local<v8::Function> callable =
          v8::Function::New(context, &V8Instance::trampoline, v8::External::New(isolate_, &bindings_.back()))
              .ToLocalChecked();
      namespace_value.As<v8::Object>()->Set(context, v8_string(isolate_, function.name), callable).Check();
    }

    v8::Local<v8::WasmModuleObject> module_object;
    if (!v8::WasmModuleObject::FromCompiledModule(isolate_, module_.compiled()).ToLocal(&module_object)) {
      throw fault(FailState::Trap, "could not be re-created in a worker isolate");
    }
    v8::Local<v8::Value> webassembly_value;
    v8::Local<v8::Value> instance_ctor;
    v8::Local<v8::Value> instance_value;
    v8::Local<v8::Value> argv[] = {module_object, import_object};
    if (!context->Global()->Get(context, v8_string(isolate_, "WebAssembly")).ToLocal(&webassembly_value) ||
        !webassembly_value.As<v8::Object>()->Get(context, v8_string(isolate_, "Instance")).ToLocal(&instance_ctor) ||
        !instance_ctor.As<v8::Function>()->NewInstance(context, 2, argv).ToLocal(&instance_value)) {
      std::string reason = exception_text(isolate_, context, try_catch);
      rethrow_pending();
      throw fault(FailState::Trap, "could not be instantiated: " + reason);
    }
    v8::Local<v8::Value> exports;
    v8::Local<v8::Value> memory;
    if (!instance_value.As<v8::Object>()->Get(context, v8_string(isolate_, "exports")).ToLocal(&exports) ||
        !exports.As<v8::Object>()->Get(context, v8_string(isolate_, "memory")).ToLocal(&memory) ||
        !memory->IsWasmMemoryObject()) {
      throw fault(FailState::Trap, "does not export its memory as 'memory'");
    }
    exports_.Reset(isolate_, exports.As<v8::Object>());
    memory_.Reset(isolate_, memory.As<v8::WasmMemoryObject>());
  }

  ~V8Instance() override {
    BoundIsolate bound(isolate_);
    functions_.clear();
    exports_.Reset();
    memory_.Reset();
    context_.Reset();
  }

  std::int64_t call(const std::string& export_name, std::span<const std::int64_t> args, CallContext* context) override {
    if (broken_) throw fault(FailState::Trap, "the instance already failed");
    const FunctionType* type = module_.info().export_type(export_name);
    if (!type || type->params.size() != args.size() || type->results.size() > 1) {
      throw fault(FailState::BadResponse, "it has no export '" + export_name + "' with the ABI's signature");
    }
    BoundIsolate bound(isolate_);
    v8::HandleScope handles(isolate_);
    v8::Local<v8::Context> v8_context = context_.Get(isolate_);
    v8::Context::Scope context_scope(v8_context);
    const v8::Local<v8::Function> function = export_function(v8_context, export_name);
    std::array<v8::Local<v8::Value>, kMaxExportParams> argv;
    if (args.size() > argv.size()) throw fault(FailState::BadResponse, "its export '" + export_name + "' takes too many parameters");
    for (std::size_t i = 0; i < args.size(); ++i) argv[i] = to_v8(type->params[i], args[i]);

    v8::TryCatch try_catch(isolate_);
    call_context_ = context;
    pending_ = nullptr;
    const std::chrono::milliseconds budget = module_.limits().deadline;
    watchdog_.arm(budget);
    v8::MaybeLocal<v8::Value> result =
        function->Call(v8_context, v8::Undefined(isolate_), static_cast<int>(args.size()), argv.data());
    const bool timed_out = watchdog_.disarm();
    call_context_ = nullptr;
    if (timed_out) {
      isolate_->CancelTerminateExecution();
      broken_ = true;
      throw fault(FailState::Timeout, "the call to '" + export_name + "' ran past its deadline of " +
                                          std::to_string(budget.count()) + " ms (limits.deadlineMs)");
    }
    v8::Local<v8::Value> value;
    if (!result.ToLocal(&value)) {
      std::string reason = exception_text(isolate_, v8_context, try_catch);
      rethrow_pending();
      broken_ = true;
      const std::uint32_t cap = module_.limits().memory_pages;
      if (memory_pages() >= cap) {
        throw fault(FailState::OutOfMemory, reason + " with its memory at the limit of " + std::to_string(cap) +
                                                " pages (limits.memoryPages)");
      }
      throw fault(FailState::Trap, reason + " (memory " + std::to_string(memory_pages()) + " of " + std::to_string(cap) + " pages)");
    }
    if (type->results.empty()) return 0;
    return from_v8(v8_context, type->results[0], value);
  }

  GuestMemory& memory() override { return *this; }
  bool broken() const override { return broken_; }

  std::uint32_t memory_pages() override {
    BoundIsolate bound(isolate_);
    v8::HandleScope handles(isolate_);
    return static_cast<std::uint32_t>(memory_.Get(isolate_)->Buffer()->ByteLength() / runtime_limits::kWasmPageBytes);
  }

  std::span<std::uint8_t> range(std::uint32_t offset, std::uint32_t size) override {
    BoundIsolate bound(isolate_);
    v8::HandleScope handles(isolate_);
    v8::Local<v8::ArrayBuffer> buffer = memory_.Get(isolate_)->Buffer();
    const std::uint64_t end = static_cast<std::uint64_t>(offset) + size;
    if (end > buffer->ByteLength()) {
      throw fault(FailState::Trap, "it passed a host import the range [" + std::to_string(offset) + ", " +
                                       std::to_string(end) + ") outside its memory");
    }
    return {static_cast<std::uint8_t*>(buffer->Data()) + offset, size};
  }

 private:
  // The ABI's exports take at most four parameters (cryftee_handle).
  static constexpr std::size_t kMaxExportParams = 4;

  ModuleFault fault(FailState state, const std::string& detail) const { return ModuleFault(state, module_.id(), detail); }

  // An export's function, looked up by name once per instance: a lookup makes a V8 string and searches
  // the exports object, on every call.
  v8::Local<v8::Function> export_function(v8::Local<v8::Context> context, const std::string& name) {
    auto known = functions_.find(name);
    if (known == functions_.end()) {
      v8::Local<v8::Value> function;
      if (!exports_.Get(isolate_)->Get(context, v8_string(isolate_, name)).ToLocal(&function) || !function->IsFunction()) {
        throw fault(FailState::BadResponse, "it has no export '" + name + "'");
      }
      known = functions_.emplace(name, v8::Global<v8::Function>(isolate_, function.As<v8::Function>())).first;
    }
    return known->second.Get(isolate_);
  }

  v8::Local<v8::Value> to_v8(ValueType type, std::int64_t value) {
    if (type == ValueType::I64) return v8::BigInt::New(isolate_, value);
    return v8::Integer::New(isolate_, static_cast<std::int32_t>(value));
  }

  static std::int64_t from_v8(v8::Local<v8::Context> context, ValueType type, v8::Local<v8::Value> value) {
    if (type == ValueType::I64) {
      v8::Local<v8::BigInt> big;
      return value->ToBigInt(context).ToLocal(&big) ? big->Int64Value() : 0;
    }
    return value->Int32Value(context).FromMaybe(0);
  }

  // Errors raised by host imports unwind through wasm as a JS exception; the original comes back here.
  void rethrow_pending() {
    if (!pending_) return;
    std::exception_ptr pending = std::exchange(pending_, nullptr);
    try {
      std::rethrow_exception(pending);
    } catch (const ModuleFault&) {
      broken_ = true;
      throw;
    }
  }

  static void trampoline(const v8::FunctionCallbackInfo<v8::Value>& info) {
    auto* binding = static_cast<HostBinding*>(info.Data().As<v8::External>()->Value());
    V8Instance& self = *binding->instance;
    const HostFunction& function = *binding->function;
    v8::Local<v8::Context> context = info.GetIsolate()->GetCurrentContext();
    std::vector<std::int64_t> args;
    args.reserve(function.type.params.size());
    for (std::size_t i = 0; i < function.type.params.size(); ++i) {
      args.push_back(from_v8(context, function.type.params[i], info[static_cast<int>(i)]));
    }
    // Resumes the deadline however the import ends.
    struct PausedDeadline {
      Watchdog* watchdog;
      ~PausedDeadline() {
        if (watchdog != nullptr) watchdog->resume();
      }
    };
    if (function.blocking) self.watchdog_.pause();
    PausedDeadline paused{function.blocking ? &self.watchdog_ : nullptr};
    try {
      std::int64_t result = function.callback(self, self.call_context_, args);
      if (!function.type.results.empty()) info.GetReturnValue().Set(self.to_v8(function.type.results[0], result));
    } catch (...) {
      self.pending_ = std::current_exception();
      info.GetIsolate()->ThrowException(
          v8::Exception::Error(v8_string(info.GetIsolate(), "host import '" + function.name + "' failed")));
    }
  }

  v8::Isolate* isolate_;
  Watchdog& watchdog_;
  const V8CompiledModule& module_;
  std::vector<HostFunction> imports_;
  std::vector<HostBinding> bindings_;
  v8::Global<v8::Context> context_;
  v8::Global<v8::Object> exports_;
  std::map<std::string, v8::Global<v8::Function>, std::less<>> functions_;  // see export_function
  v8::Global<v8::WasmMemoryObject> memory_;
  CallContext* call_context_ = nullptr;
  std::exception_ptr pending_;
  bool broken_ = false;
};

// ---- workers ----

class V8Worker final : public Worker {
 public:
  V8Worker() : watchdog_(isolate_.get()) {}

  std::unique_ptr<Hold> hold() override {
    auto held = std::make_unique<BoundHold>(isolate_.get());
    isolate_.run_foreground_tasks();
    return held;
  }

  std::unique_ptr<Instance> instantiate(const CompiledModule& module, const std::vector<HostFunction>& imports) override {
    BoundIsolate bound(isolate_.get());
    isolate_.run_foreground_tasks();
    return std::make_unique<OwnedInstance>(isolate_.get(), watchdog_, static_cast<const V8CompiledModule&>(module), imports);
  }

 private:
  // Keeps the isolate's pending foreground work (GC finalisation, code logging) flowing between calls.
  class OwnedInstance final : public Instance {
   public:
    OwnedInstance(v8::Isolate* isolate, Watchdog& watchdog, const V8CompiledModule& module,
                  const std::vector<HostFunction>& imports)
        : instance_(isolate, watchdog, module, imports) {}
    std::int64_t call(const std::string& name, std::span<const std::int64_t> args, CallContext* context) override {
      return instance_.call(name, args, context);
    }
    GuestMemory& memory() override { return instance_.memory(); }
    bool broken() const override { return instance_.broken(); }
    std::uint32_t memory_pages() override { return instance_.memory_pages(); }

   private:
    V8Instance instance_;
  };

  class BoundHold final : public Hold {
   public:
    explicit BoundHold(v8::Isolate* isolate) : bound_(isolate) {}

   private:
    BoundIsolate bound_;
  };

  OwnedIsolate isolate_;
  Watchdog watchdog_;
};

// ---- engine ----

class V8Engine final : public Engine {
 public:
  std::string name() const override { return "v8 " + std::string(v8::V8::GetVersion()); }

  std::shared_ptr<const CompiledModule> compile(const std::string& module_id, ByteView wasm,
                                                const EffectiveLimits& limits) override {
    const std::uint64_t max_binary = limits.max_binary_bytes;
    if (wasm.size() > max_binary) {
      throw Error(422, "module_limit", "module '" + module_id + "' is " + std::to_string(wasm.size()) +
                                           " bytes, over its limit of " + std::to_string(max_binary) +
                                           " bytes (limits.maxBinaryBytes)");
    }
    Bytes capped = cap_memory_pages(wasm, limits.memory_pages);
    WasmModuleInfo info = read_wasm_module(capped);

    std::lock_guard lock(compile_mutex_);
    v8::Isolate* isolate = compiler_.get();
    v8::Locker locker(isolate);
    v8::Isolate::Scope isolate_scope(isolate);
    v8::HandleScope handles(isolate);
    v8::Local<v8::Context> context = v8::Context::New(isolate);
    v8::Context::Scope context_scope(context);
    v8::TryCatch try_catch(isolate);
    v8::Local<v8::WasmModuleObject> module;
    if (!v8::WasmModuleObject::Compile(isolate, {capped.data(), capped.size()}).ToLocal(&module)) {
      throw Error(422, "bad_module", "module '" + module_id + "' does not compile: " +
                                         exception_text(isolate, context, try_catch));
    }
    auto compiled = std::make_shared<V8CompiledModule>(module_id, std::move(info), limits, module->GetCompiledModule());
    compiler_.run_foreground_tasks();
    return compiled;
  }

  std::unique_ptr<Worker> create_worker() override { return std::make_unique<V8Worker>(); }

 private:
  std::mutex compile_mutex_;
  OwnedIsolate compiler_;
};

}  // namespace

std::unique_ptr<Engine> make_v8_engine() { return std::make_unique<V8Engine>(); }

}  // namespace cryftee::engine
