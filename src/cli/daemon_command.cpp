// `cryftee [flags]`: resolves the configuration, verifies the modules, wires the API and the kiosk to the
// router, and serves until SIGINT/SIGTERM (SIGHUP reloads the modules). Start-up problems end the process
// with one clear line on stderr: exit 2 for a bad setting, 1 for anything else that prevents serving.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>

#include "api/api_context.h"
#include "api/cryftgo_tracker.h"
#include "api/daemon_routes.h"
#include "api/listeners.h"
#include "api/module_facts.h"
#include "api/router.h"
#include "attest/attestor.h"
#include "attest/binary_hash.h"
#include "cli/commands.h"
#include "cli/daemon_signals.h"
#include "config/loader.h"
#include "config/settings.h"
#include "custody/custody.h"
#include "custody/startup_keys.h"
#include "grpc/signer_server.h"
#include "metrics/metrics.h"
#include "runtime/dispatch.h"
#include "runtime/engine/engine_factory.h"
#include "runtime/loader.h"
#include "runtime/reloader.h"
#include "service/systemd_notify.h"
#include "transport/listener_error.h"
#include "transport/server.h"
#include "util/bytes.h"
#include "util/error.h"
#include "util/log.h"
#include "util/process_protection.h"
#include "util/work_queue.h"
#include "version.h"

namespace cryftee::cli {
namespace {

constexpr int kExitCannotServe = 1;
constexpr int kExitBadConfiguration = 2;
// The registry read at start-up; every successful reload adds one.
constexpr std::uint64_t kFirstEpoch = 1;

// The loader logs each module's verdict; this is the one summary line per registry.
void log_registry(const char* event, const runtime::Registry& registry) {
  std::size_t loaded = 0;
  for (const runtime::ModuleRecord& record : registry.modules) loaded += record.status.loaded ? 1 : 0;
  log::info(event, {{"epoch", registry.epoch}, {"manifest", registry.manifest_path}, {"modules", registry.modules.size()},
                    {"loaded", loaded}});
}

// The one-line STATUS= systemd shows: what is loaded and where the daemon listens.
std::string service_status(const Config& config, const runtime::Registry& registry) {
  std::size_t loaded = 0;
  for (const runtime::ModuleRecord& record : registry.modules) loaded += record.status.loaded ? 1 : 0;
  std::string status = "serving: " + std::to_string(loaded) + "/" + std::to_string(registry.modules.size()) +
                       " modules loaded, registry epoch " + std::to_string(registry.epoch) + "; API ";
  const std::string& host = config.http_addr.host;
  const std::string address =
      (host.find(':') == std::string::npos ? host : "[" + host + "]") + ":" + std::to_string(config.http_addr.port);
  if (config.transport == Transport::Uds) {
    status += "unix:" + config.uds_path.string() + "; kiosk " + (config.kiosk_enabled ? address : "off");
  } else {
    status += std::string(transport_name(config.transport)) + "://" + address;
  }
  return status;
}

// The environment variables that carry secrets (the settings table marks them), wiped once read.
std::vector<std::string> secret_variables() {
  std::vector<std::string> names;
  for (const config::Setting& setting : config::settings()) {
    if (setting.secret && !setting.env.empty()) names.emplace_back(setting.env);
  }
  return names;
}

// The Unix socket this process bound, so a forced exit removes it only while it is still ours.
struct OwnSocket {
  std::string path;  // empty: no Unix socket
  dev_t device = 0;
  ino_t inode = 0;
};

OwnSocket own_socket_of(const Config& config) {
  OwnSocket socket;
  struct stat info {};
  if (config.transport != Transport::Uds || ::lstat(config.uds_path.c_str(), &info) != 0) return socket;
  return OwnSocket{config.uds_path.string(), info.st_dev, info.st_ino};
}

// Work that does not end (a module call past its deadline, a stuck thread) must not keep a stopping
// daemon alive: after the deadline it exits without waiting for it.
[[noreturn]] void force_exit(const OwnSocket& socket) {
  log::warn("shutdown_forced", {{"message", "work still running after the stop deadline was abandoned"},
                                {"deadline_ms", defaults::kShutdownDeadline.count()}});
  struct stat info {};
  if (!socket.path.empty() && ::lstat(socket.path.c_str(), &info) == 0 && info.st_dev == socket.device &&
      info.st_ino == socket.inode) {
    ::unlink(socket.path.c_str());
  }
  std::_Exit(0);
}

void reload_on_signal(const std::function<std::shared_ptr<const runtime::Registry>()>& reload) {
  try {
    const auto registry = reload();
    log::info("reload_on_signal", {{"epoch", registry->epoch}});
  } catch (const std::exception& error) {
    log::error("reload_on_signal_failed", {{"message", error.what()}});
  }
}

int serve(Config& config) {
  // Hashing the executable takes longer than the rest of start-up; only attestations need it.
  std::shared_future<std::string> binary_hash = hash_running_binary_in_background();
  // Keys live behind one custody façade: memory custody with the sealed key store behind it, and Web3Signer
  // when it is enabled. With a durable sealer, the key store's records are unsealed into memory custody
  // before anything else runs, so the first request already finds every key of earlier runs. Modules run
  // on the dispatcher's V8 workers, which also vet each module for the registry (compile, ABI exports,
  // granted imports).
  Custody custody(custody_setup(config));
  const std::optional<std::string> startup_key = load_startup_keys(config, custody);
  // A key generated for this run only is never the gRPC signer's key unless named (grpc/signer_key.h).
  std::vector<std::string> transient_keys;
  if (startup_key && !config.web3signer.key_material) transient_keys.push_back(*startup_key);
  // Imported: the only copy left is custody's, in locked memory.
  if (config.web3signer.key_material) {
    secure_zero(*config.web3signer.key_material);
    config.web3signer.key_material.reset();
    scrub_thread_traces();
  }
  runtime::Dispatcher dispatcher(engine::make_engine(config.engine), config.engine_workers, custody,
                                 config.web3signer.urls, config.signing_policy);
  log::info("engine_ready", {{"engine", dispatcher.engine_name()}, {"workers", dispatcher.worker_count()}});

  runtime::RegistryHolder registry;
  registry.replace(runtime::build_registry(config, kFirstEpoch, dispatcher.engine_check()));
  log_registry("registry_ready", *registry.current());

  Attestor attestor(config, Attestor::StoredKey{config.attestation_key_file ? Bytes{} : custody.attestation_seed(),
                                                [&custody] { return custody.attestation_facts(); }},
                    binary_hash);
  CryftgoTracker cryftgo;
  // All or nothing: a reload that would leave any module unloaded keeps the serving registry.
  runtime::Reloader reloader(
      registry, [&config, &dispatcher](std::uint64_t epoch) { return runtime::build_registry(config, epoch, dispatcher.engine_check()); },
      [&config, &dispatcher](const runtime::Registry& next) {
        dispatcher.retain_only(next);
        log_registry("registry_swapped", next);
        service::notify_status(service_status(config, next));
      });
  auto reload = [&reloader] {
    try {
      std::shared_ptr<const runtime::Registry> next = reloader.reload();
      metrics::process_metrics().count_reload(true);
      return next;
    } catch (...) {
      metrics::process_metrics().count_reload(false);
      throw;
    }
  };
  WorkQueue key_derivation(defaults::kKeyDerivationThreads, defaults::kKeyDerivationQueue);
  WorkQueue blocking_work(defaults::kBlockingWorkThreads, defaults::kBlockingWorkQueue);
  api::ApiContext context{
      .config = config,
      .registry = registry,
      .reload = reload,
      .attestor = attestor,
      .cryftgo = cryftgo,
      .started_at = std::chrono::system_clock::now(),
      .custody = custody,
      .runtime_facts =
          [&dispatcher, &custody] {
            api::RuntimeFacts facts = api::module_runtime_facts(dispatcher, custody);
            api::add_web3signer_facts(facts, custody);
            facts.key_store = custody.key_store_status(/*with_sealer_facts=*/false);
            return facts;
          },
      .dispatcher = &dispatcher,
      .last_reload = [&reloader] { return reloader.last_attempt(); },
      .key_derivation = &key_derivation,
      .blocking_work = &blocking_work,
  };

  const api::AccessPolicy policy{config.admin_token ? &*config.admin_token : nullptr, config.allow_loopback_admin};
  api::Router router(policy, &blocking_work);
  const api::StaticFiles kiosk_files(config.ui_dir);
  api::add_daemon_routes(router, context, kiosk_files);

  // Before the API opens, so a node that waits for the API finds the signer listening.
  auto signer_listener =
      grpc_signer::start_signer_server(config, custody, transient_keys, registry, dispatcher, blocking_work);
  const api::DaemonListeners listeners(config, router, [&cryftgo](const transport::Response& response) {
    cryftgo.record(response.status, response.error_code);
  });
  transport::Server server(config, listeners.specs());
  const OwnSocket own_socket = own_socket_of(config);
  DaemonSignals signals(SignalActions{[&server] { server.stop(); }, [&reload] { reload_on_signal(reload); },
                                      [&own_socket] { force_exit(own_socket); }},
                        defaults::kShutdownDeadline);
  server.run(transport::ServerEvents{
      .serving = [&config, &registry] { service::notify_ready(service_status(config, *registry.current())); },
      .stopping = [] { service::notify_stopping("draining requests in flight"); }});
  // The gRPC signer stops first, so its calls on the blocking-work threads are finished, not dropped.
  signer_listener.reset();
  // Jobs still queued are dropped and running ones (a derivation is bounded by the EIP-2335 limits) are waited for,
  // before the server its answers would go to is destroyed.
  key_derivation.shut_down();
  blocking_work.shut_down();
  return 0;
}

}  // namespace

int run_daemon(int argc, char** argv) {
  // Before any thread exists, so that only the signal watcher ever takes these signals.
  DaemonSignals::block_in_this_thread();
  // Before any secret is read: no core files, no same-user ptrace, locked pages for keys.
  const ProtectionReport protection = protect_process();
  std::optional<Config> loaded;
  try {
    ConfigOutcome outcome = load_config(argc, argv, process_environment(), std::cout);
    wipe_environment_variables(secret_variables());
    if (!outcome.config) return outcome.exit_code;
    loaded = std::move(outcome.config);
  } catch (const ConfigError& error) {
    wipe_environment_variables(secret_variables());
    std::cerr << "cryftee: " << error.what() << '\n';
    return kExitBadConfiguration;
  }
  Config& config = *loaded;

  log::Level level = log::Level::Info;
  log::parse_level(config.log_level, level);
  log::configure(level, config.log_format);
  // Request lines are written in batches while the daemon runs; what is left goes out when it returns.
  const log::LineBatcher request_lines;
  log::info("starting", {{"version", kCryfteeVersion}, {"transport", transport_name(config.transport)},
                         {"sources", config.sources}});
  for (const std::string& warning : config.warnings) log::warn("configuration", {{"warning", warning}});
  log::info("memory_protection", {{"not_dumpable", protection.not_dumpable}, {"no_core_files", protection.no_core_files},
                                  {"secure_heap", protection.secure_heap}});
  if (protection.secure_heap != "protected") {
    log::warn("secure_heap_unprotected", {{"message", "key pages could not be locked and kept out of dumps; raise "
                                                      "RLIMIT_MEMLOCK (LimitMEMLOCK= in the service) to at least 4 MiB"}});
  }
  // A client that goes away mid-answer must not kill the daemon; the write simply fails.
  std::signal(SIGPIPE, SIG_IGN);

  try {
    return serve(config);
  } catch (const transport::ListenerError& error) {
    std::cerr << "cryftee: " << error.what() << '\n';
    log::error("cannot_serve", {{"message", error.what()}});
  } catch (const Error& error) {
    std::cerr << "cryftee: " << error.what() << '\n';
    log::error("cannot_serve", {{"code", error.code()}, {"message", error.what()}});
  } catch (const std::exception& error) {
    std::cerr << "cryftee: " << error.what() << '\n';
    log::error("cannot_serve", {{"message", error.what()}});
  }
  return kExitCannotServe;
}

}  // namespace cryftee::cli
