// cryftee_bench: the transport floor, requests that sign nothing, and raw in-process BLS signing against BLS
// signing through the real daemon, in one run.
// See docs/benchmark.md for what each figure means.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "crypto/bls.h"
#include "daemon_process.h"
#include "bench_limits.h"
#include "grpc_sign_client.h"
#include "message.h"
#include "paired_load.h"
#include "raw_signing.h"
#include "report.h"
#include "route_load.h"
#include "sign_load.h"
#include "socket_floor.h"
#include "util/encoding.h"

namespace cryftee::bench {
namespace {

namespace fs = std::filesystem;

struct Options {
  fs::path cryftee = "build/cryftee";
  fs::path module_dir = "build/modules";
  fs::path test_module_dir = "build/test-modules";  // adds debug_v1, whose echo the benchmark calls
  fs::path trust_config = "build/dev/trust.toml";
  double seconds = kDefaultSeconds;
  double warmup_seconds = kDefaultWarmupSeconds;
  std::size_t rss_signs = kDefaultRssSigns;
  unsigned cold_starts = kDefaultColdStarts;
  std::size_t floor_rounds = kDefaultFloorRounds;
  unsigned pairs = kDefaultPairs;
  std::vector<unsigned> clients{1, 2, 16};
};

// Message streams: each measurement signs messages no other measurement signs.
constexpr std::uint64_t kStreamsPerRun = 1'000'000;

Clock::duration seconds_of(double seconds) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::string load_average() {
  std::ifstream file("/proc/loadavg");
  std::string one, five, fifteen;
  file >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

// A loopback port nobody listens on right now, for the daemon's --http-addr.
unsigned free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("cannot open a socket to find a free port");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  const bool ok = ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  ::close(fd);
  if (!ok) throw std::runtime_error("cannot find a free loopback port");
  return ntohs(address.sin_port);
}

// A daemon started for the benchmark, its own socket in the run's temp folder.
struct StartedDaemon {
  std::unique_ptr<DaemonProcess> process;
  fs::path socket_path;
  RegisteredKey key;
  ExchangeSize sign_exchange;  // the first sign's request and answer, for the floor of the same size
  double socket_ms = 0;
  double first_sign_ms = 0;
};

// The flags every benchmarked daemon gets: one of this build's bundles, its API socket in the run's folder.
std::vector<std::string> daemon_args(const Options& options, const fs::path& module_dir, const fs::path& socket_path) {
  return {"--module-dir", fs::absolute(module_dir).string(),
          "--trust-config", fs::absolute(options.trust_config).string(),
          "--uds-path", socket_path.string(),
          "--http-addr", "127.0.0.1:" + std::to_string(free_port()),
          "--no-kiosk"};
}

StartedDaemon start_daemon(const Options& options, const fs::path& module_dir, const fs::path& work_dir,
                           const std::string& name) {
  StartedDaemon daemon;
  daemon.socket_path = work_dir / (name + ".sock");
  fs::remove(daemon.socket_path);
  const std::vector<std::string> args = daemon_args(options, module_dir, daemon.socket_path);

  const auto spawned = Clock::now();
  daemon.process = std::make_unique<DaemonProcess>(options.cryftee, args, work_dir / (name + ".log"));
  std::string last_problem = "no answer yet";
  while (Clock::now() - spawned < kStartTimeout) {
    daemon.process->require_running();
    try {
      UdsHttpClient client(daemon.socket_path);
      if (daemon.socket_ms == 0) daemon.socket_ms = ms_since(spawned);
      daemon.key = register_key(client);
      const Message message = make_message(0, 0);
      Bytes signature;
      const auto problem = check_sign_answer(client.post_json("/v1/staking/bls/sign",
                                                              sign_request_body(daemon.key.handle, message)),
                                             &signature);
      if (!problem && bls::verify(daemon.key.public_key, message, signature, bls::Dst::Signature)) {
        daemon.first_sign_ms = ms_since(spawned);
        daemon.sign_exchange = client.last_exchange();
        return daemon;
      }
      last_problem = problem.value_or("the first signature does not verify against the registered public key");
    } catch (const std::exception& error) {
      last_problem = error.what();
    }
    std::this_thread::sleep_for(kStartPollInterval);
  }
  throw std::runtime_error("the daemon did not sign within " + std::to_string(kStartTimeout.count()) +
                           " s; last problem: " + last_problem + "; its output is in " +
                           (work_dir / (name + ".log")).string());
}

// A daemon serving the gRPC signer on a Unix socket, with a fresh key handed over at start as cryftgo does
// (CRYFTEE_WEB3SIGNER_KEY_MATERIAL): the gRPC signer serves only keys present at start.
struct GrpcDaemon {
  std::unique_ptr<DaemonProcess> process;
  std::string target;
  Bytes public_key;
};

GrpcDaemon start_grpc_daemon(const Options& options, const fs::path& work_dir) {
  constexpr const char* kKeyMaterial = "CRYFTEE_WEB3SIGNER_KEY_MATERIAL";
  GrpcDaemon daemon;
  const bls::SecretKey key = bls::SecretKey::generate();
  const bls::PublicKey public_key = key.public_key();
  daemon.public_key.assign(public_key.begin(), public_key.end());
  daemon.target = "unix:" + (work_dir / "grpc-signer.sock").string();
  std::vector<std::string> args = daemon_args(options, options.module_dir, work_dir / "grpc-api.sock");
  args.insert(args.end(), {"--grpc-signer-addr", daemon.target});

  Bytes secret = key.to_bytes();
  std::string material = base64_encode(secret);
  secure_zero(secret);
  ::setenv(kKeyMaterial, material.c_str(), 1);  // for the child only: removed again right after the spawn
  daemon.process = std::make_unique<DaemonProcess>(options.cryftee, args, work_dir / "grpc.log");
  ::unsetenv(kKeyMaterial);
  secure_zero(material);

  const auto spawned = Clock::now();
  std::string last_problem = "no answer yet";
  while (Clock::now() - spawned < kStartTimeout) {
    daemon.process->require_running();
    try {
      const auto client = connect_grpc_signer(daemon.target);
      const Message message = make_message(0, 0);
      Bytes signature;
      const auto problem = client->sign(message, &signature);
      if (!problem && bls::verify(daemon.public_key, message, signature, bls::Dst::Signature)) return daemon;
      last_problem = problem.value_or("the first signature does not verify against the key handed over");
    } catch (const std::exception& error) {
      last_problem = error.what();
    }
    std::this_thread::sleep_for(kStartPollInterval);
  }
  throw std::runtime_error("the gRPC signer did not sign within " + std::to_string(kStartTimeout.count()) +
                           " s; last problem: " + last_problem + "; its output is in " + (work_dir / "grpc.log").string());
}

void add_failures(Report& report, const LoadResult& result) {
  report.failures += result.failures;
  for (const auto& sample : result.failure_samples) {
    if (report.failure_samples.size() < kMaxFailuresShown) report.failure_samples.push_back(sample);
  }
  report.verified += result.verified;
}

// The exchanges whose byte sizes the socket floor copies.
struct ExchangeSizes {
  ExchangeSize sign;
  ExchangeSize self;
  ExchangeSize echo;
};

// 2. Requests that sign nothing, on a daemon with the test bundle (debug_v1 for the echo). Its first sign and
// one request of each kind give the exchange sizes the floor copies.
ExchangeSizes measure_requests(const Options& options, const fs::path& work_dir, Report& report) {
  StartedDaemon daemon = start_daemon(options, options.test_module_dir, work_dir, "requests");
  const ExchangeSizes sizes{daemon.sign_exchange, probe_self_route(daemon.socket_path),
                            probe_module_echo(daemon.socket_path)};
  if (options.warmup_seconds > 0) {
    std::fprintf(stderr, "warm-up: %.1f s of module echo\n", options.warmup_seconds);
    add_failures(report, run_echo_load(daemon.socket_path, {.clients = 1, .duration = seconds_of(options.warmup_seconds)}));
  }
  const LoadPlan plan{.clients = 1, .duration = seconds_of(options.seconds)};
  std::fprintf(stderr, "GET /v1/runtime/self with 1 client\n");
  const LoadResult self = run_self_load(daemon.socket_path, plan);
  daemon.process->require_running();
  add_failures(report, self);
  report.routes.push_back({Exchange::SelfRoute, plan.clients, self.summary, self.failures});
  std::fprintf(stderr, "module echo with 1 client\n");
  const LoadResult echo = run_echo_load(daemon.socket_path, plan);
  daemon.process->require_running();
  add_failures(report, echo);
  report.routes.push_back({Exchange::ModuleEcho, plan.clients, echo.summary, echo.failures});
  daemon.process->stop();
  return sizes;
}

// 1. The transport floor, with no daemon running: the sign exchange at every client count, the other two with
// one client, as they are measured.
void measure_floor(const Options& options, const ExchangeSizes& sizes, Report& report) {
  const auto floor = [&](Exchange exchange, ExchangeSize size, unsigned clients) {
    std::fprintf(stderr, "socket floor, %s sizes, %u client(s)\n", exchange_name(exchange), clients);
    const LoadResult result = measure_socket_floor(size, {.clients = clients, .requests = options.floor_rounds});
    add_failures(report, result);
    report.floor.push_back({exchange, size, clients, result.summary, result.fairness, {}, 0, 0});
  };
  report.floor_rounds = options.floor_rounds;
  for (const unsigned clients : options.clients) floor(Exchange::BlsSign, sizes.sign, clients);
  floor(Exchange::SelfRoute, sizes.self, 1);
  floor(Exchange::ModuleEcho, sizes.echo, 1);
}

// 4. One row of signing through a daemon: `clients` clients in slices, each right after raw signing on as many
// threads as the row is compared with (paired_load.h), and the CPU the daemon used meanwhile.
ApiRow measure_sign_row(unsigned clients, unsigned cores, const Options& options, const bls::SecretKey& raw_key,
                        const SliceLoad& load, pid_t daemon_pid) {
  ApiRow row;
  row.clients = clients;
  row.raw_threads = std::min(clients, cores);
  const ProcessCpu daemon_cpu_before = proc_cpu(daemon_pid).value_or(ProcessCpu{});
  PairedRow paired = measure_paired(load, {.clients = clients, .duration = seconds_of(options.seconds)}, options.pairs,
                                    raw_key, row.raw_threads);
  row.daemon_cpu = proc_cpu(daemon_pid).value_or(ProcessCpu{}) - daemon_cpu_before;
  row.summary = paired.load.summary;
  row.fairness = paired.load.fairness;
  row.failures = paired.load.failures;
  row.client_cpu_seconds = paired.load.client_cpu_seconds;
  row.pairs = std::move(paired.pairs);
  return row;
}

int run(const Options& options) {
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  Report report;
  report.cores = cores;
  report.seconds = options.seconds;
  report.daemon = options.cryftee.string();
  report.load_before = load_average();

  std::string work_template = (fs::temp_directory_path() / "cryftee-bench-XXXXXX").string();
  if (!::mkdtemp(work_template.data())) throw std::runtime_error("cannot create a temp folder");
  const fs::path work_dir = work_template;

  // The steps are numbered as the report prints them. Cold starts run first, on an untouched machine state;
  // the floor runs after the requests daemon, whose exchanges give its sizes.

  // 5. Cold start: every start is a fresh process with nothing registered.
  for (unsigned run = 0; run < options.cold_starts; ++run) {
    std::fprintf(stderr, "cold start %u of %u\n", run + 1, options.cold_starts);
    StartedDaemon daemon = start_daemon(options, options.module_dir, work_dir, "cold-" + std::to_string(run));
    report.cold.socket_ms.push_back(daemon.socket_ms);
    report.cold.first_sign_ms.push_back(daemon.first_sign_ms);
    daemon.process->stop();
  }

  // 2., then 1.
  const ExchangeSizes sizes = measure_requests(options, work_dir, report);
  measure_floor(options, sizes, report);

  // 3. Raw signing, with no daemon running, on every thread count an API row is compared with.
  std::set<unsigned> raw_threads{1};
  for (const unsigned clients : options.clients) raw_threads.insert(std::min(clients, cores));
  const bls::SecretKey raw_key = bls::SecretKey::generate();
  for (const unsigned threads : raw_threads) {
    std::fprintf(stderr, "raw signing on %u thread(s)\n", threads);
    report.raw.push_back({threads, measure_raw_signing(raw_key, threads, seconds_of(options.seconds))});
  }
  // 1, continued: a signer that only signs, behind the same socket: the most any signer behind a socket can get
  // out of these cores. Its rows take turns with raw signing as the daemon's do, so the two are read alike.
  const Bytes signed_message(kMessageSize, 0x5a);
  const SliceLoad signer_load = [&](const LoadPlan& plan) {
    return measure_socket_floor(sizes.sign, plan, [&] { (void)raw_key.sign(signed_message, bls::Dst::Signature); });
  };
  for (const unsigned clients : options.clients) {
    std::fprintf(stderr, "socket floor, blst signer, %u client(s)\n", clients);
    PairedRow signer = measure_paired(signer_load, {.clients = clients, .duration = seconds_of(options.seconds)},
                                      options.pairs, raw_key, std::min(clients, cores));
    add_failures(report, signer.load);
    report.floor.push_back(
        {Exchange::BlsSigner, sizes.sign, clients, signer.load.summary, signer.load.fairness, std::move(signer.pairs),
         signer.load.server_cpu_seconds, signer.load.client_cpu_seconds});
  }

  // 4. Through the API, on one daemon that then also serves the memory figure.
  StartedDaemon daemon = start_daemon(options, options.module_dir, work_dir, "measured");
  std::size_t signs = 1;  // the first sign of start_daemon
  report.memory.idle_rss_kib = proc_status_kib(daemon.process->pid(), "VmRSS").value_or(0);
  std::uint64_t stream = kStreamsPerRun;
  const auto load = [&](LoadPlan plan) {
    plan.stream = stream;
    stream += kStreamsPerRun;
    LoadResult result = run_sign_load(daemon.socket_path, daemon.key, plan);
    daemon.process->require_running();
    signs += result.summary.count;
    add_failures(report, result);
    return result;
  };
  if (options.warmup_seconds > 0) {
    std::fprintf(stderr, "warm-up: %.1f s of API signing\n", options.warmup_seconds);
    load({.clients = cores, .duration = seconds_of(options.warmup_seconds)});
  }
  for (const unsigned clients : options.clients) {
    std::fprintf(stderr, "API signing with %u client(s), %u slices paired with raw signing\n", clients, options.pairs);
    report.api.push_back(measure_sign_row(clients, cores, options, raw_key, load, daemon.process->pid()));
  }

  // 6. Memory after the requested number of signs, topped up with the largest client count.
  if (signs < options.rss_signs) {
    const unsigned clients = *std::max_element(options.clients.begin(), options.clients.end());
    std::fprintf(stderr, "signing up to %zu signs for the memory figure\n", options.rss_signs);
    load({.clients = clients, .requests = options.rss_signs - signs});
  }
  report.memory.signs = signs;
  report.memory.rss_kib = proc_status_kib(daemon.process->pid(), "VmRSS").value_or(0);
  report.memory.peak_rss_kib = proc_status_kib(daemon.process->pid(), "VmHWM").value_or(0);
  daemon.process->stop();

  // 4b. The same loads through the gRPC signer, on a daemon of its own (the REST one is stopped by now).
  GrpcDaemon grpc_daemon = start_grpc_daemon(options, work_dir);
  const auto grpc_load = [&](LoadPlan plan) {
    plan.stream = stream;
    stream += kStreamsPerRun;
    LoadResult result = run_load([&] { return connect_grpc_signer(grpc_daemon.target); }, grpc_daemon.public_key, plan);
    grpc_daemon.process->require_running();
    add_failures(report, result);
    return result;
  };
  if (options.warmup_seconds > 0) {
    std::fprintf(stderr, "warm-up: %.1f s of gRPC signing\n", options.warmup_seconds);
    grpc_load({.clients = cores, .duration = seconds_of(options.warmup_seconds)});
  }
  for (const unsigned clients : options.clients) {
    std::fprintf(stderr, "gRPC signing with %u client(s), %u slices paired with raw signing\n", clients, options.pairs);
    report.grpc.push_back(measure_sign_row(clients, cores, options, raw_key, grpc_load, grpc_daemon.process->pid()));
  }
  grpc_daemon.process->stop();
  report.load_after = load_average();

  print_report(report);
  std::error_code ignored;
  if (report.failures == 0) fs::remove_all(work_dir, ignored);
  else std::printf("Daemon logs kept in %s\n", work_dir.c_str());
  return report.failures == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

}  // namespace
}  // namespace cryftee::bench

int main(int argc, char** argv) {
  cryftee::bench::Options options;
  CLI::App app{"cryftee_bench: the socket floor, requests and BLS signing through the cryftee daemon, and blst in process (docs/benchmark.md)"};
  app.add_option("--cryftee", options.cryftee, "The daemon binary to start")->capture_default_str();
  app.add_option("--module-dir", options.module_dir, "Its --module-dir")->capture_default_str();
  app.add_option("--test-module-dir", options.test_module_dir,
                 "The test bundle (with debug_v1), for the daemon that serves the requests signing nothing")
      ->capture_default_str();
  app.add_option("--trust-config", options.trust_config, "Its --trust-config")->capture_default_str();
  app.add_option("--seconds", options.seconds, "Length of each throughput measurement")
      ->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--warmup", options.warmup_seconds,
                 "Requests to each daemon before its first measurement (echo, REST or gRPC signing), seconds")
      ->capture_default_str()->check(CLI::NonNegativeNumber);
  app.add_option("--rss-signs", options.rss_signs, "Signs before the daemon's resident memory is read")
      ->capture_default_str();
  app.add_option("--cold-starts", options.cold_starts, "Starts timed for the cold start median")
      ->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--floor-rounds", options.floor_rounds, "Round trips per socket floor row, over all its clients")
      ->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--pairs", options.pairs,
                 "Slices of each signing row, each right after raw signing for as long; the row's ratio is their median")
      ->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--clients", options.clients, "Concurrent API clients, one measurement each")
      ->capture_default_str()->delimiter(',')->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);
  try {
    return cryftee::bench::run(options);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "cryftee_bench: %s\n", error.what());
    return EXIT_FAILURE;
  }
}
