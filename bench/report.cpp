#include "report.h"

#include "goals.h"

#include <algorithm>
#include <cstdio>
#include <string>

namespace cryftee::bench {
namespace {

std::string list_ms(const std::vector<double>& values) {
  std::string text;
  char item[32];
  for (const double value : values) {
    std::snprintf(item, sizeof(item), "%s%.0f", text.empty() ? "" : ", ", value);
    text += item;
  }
  return text;
}

double mib(long kib) { return static_cast<double>(kib) / 1024.0; }

// "min / max" requests one client completed; "-" for a single client.
std::string fairness_label(unsigned clients, const Fairness& fairness) {
  if (clients < 2) return "-";
  return std::to_string(fairness.min_per_client) + " / " + std::to_string(fairness.max_per_client);
}

// Rows of signing through the daemon, each measured in slices paired with raw signing on as many threads
// (paired_load.h), and the 1-client overhead at the median.
void print_sign_rows(const std::vector<ApiRow>& rows) {
  std::printf("   %-8s %10s %12s %10s %10s %16s %8s %13s %9s %18s\n", "clients", "signs", "signs/s", "p50 us", "p99 us",
              "raw signs/s", "ratio", "pairs", "failures", "min/max per client");
  for (const auto& row : rows) {
    const PairedRatio ratio = paired_ratio(row.pairs);
    char raw_label[48];
    std::snprintf(raw_label, sizeof(raw_label), "%.1f (%ut)", raw_per_second(row.pairs), row.raw_threads);
    char range_label[48];
    std::snprintf(range_label, sizeof(range_label), "%.3f-%.3f", ratio.lowest, ratio.highest);
    std::printf("   %-8u %10zu %12.1f %10.1f %10.1f %16s %8.3f %13s %9zu %18s\n", row.clients, row.summary.count,
                row.summary.per_second, row.summary.p50_us, row.summary.p99_us, raw_label, ratio.median, range_label,
                row.failures, fairness_label(row.clients, row.fairness).c_str());
  }
  const std::size_t pairs = rows.empty() ? 0 : rows.front().pairs.size();
  std::printf("   each row: %zu slices, each right after raw signing on min(clients, cores) threads for as long;\n"
              "   ratio = the median over the slices of signs/s through the daemon / raw signs/s (pairs: lowest-highest)\n",
              pairs);
  // Where the cores went: with as many clients as cores or more, the daemon and the benchmark's own
  // clients share them, while raw signing had them alone.
  for (const auto& row : rows) {
    if (row.summary.count == 0 || row.daemon_cpu.total() <= 0) continue;
    const double per_sign = 1e6 / static_cast<double>(row.summary.count);
    const double raw = raw_per_second(row.pairs);
    std::printf("   CPU per sign, %2u client(s): daemon %.0f us (user %.0f, kernel %.0f), benchmark clients %.0f us"
                " (raw signing %.0f us per thread)\n",
                row.clients, row.daemon_cpu.total() * per_sign, row.daemon_cpu.user * per_sign,
                row.daemon_cpu.system * per_sign, row.client_cpu_seconds * per_sign,
                raw > 0 ? 1e6 * row.raw_threads / raw : 0);
  }
  const auto one_client = std::find_if(rows.begin(), rows.end(), [](const ApiRow& r) { return r.clients == 1; });
  if (one_client != rows.end() && !one_client->pairs.empty()) {
    std::string each;
    char item[48];
    for (const auto& pair : one_client->pairs) {
      std::snprintf(item, sizeof(item), "%s%.1f", each.empty() ? "" : ", ", pair.api.p50_us - pair.raw.p50_us);
      each += item;
    }
    std::printf("   p50 overhead over raw signing, 1 client: %.1f us, the median of the slices' api p50 - raw p50 (%s)\n",
                median_p50_over_raw_us(one_client->pairs), each.c_str());
  }
}

void print_floor_rows(const Report& report) {
  std::printf("   %-14s %10s %10s %8s %10s %12s %10s %10s %18s\n", "sizes of", "req bytes", "resp bytes", "clients",
              "rounds", "rounds/s", "p50 us", "p99 us", "min/max per client");
  for (const auto& row : report.floor) {
    std::printf("   %-14s %10zu %10zu %8u %10zu %12.1f %10.1f %10.1f %18s\n", exchange_name(row.exchange),
                row.size.request_bytes, row.size.response_bytes, row.clients, row.summary.count,
                row.summary.per_second, row.summary.p50_us, row.summary.p99_us,
                fairness_label(row.clients, row.fairness).c_str());
  }
  // The same accounting as section 4's, for a signer with nothing but blst behind the socket: what a
  // signature costs a server on this host at each load, to read the daemon's CPU per sign against.
  for (const auto& row : report.floor) {
    if (row.exchange != Exchange::BlsSigner || row.summary.count == 0 || row.pairs.empty()) continue;
    const double per_sign = 1e6 / static_cast<double>(row.summary.count);
    const double raw = raw_per_second(row.pairs);
    const unsigned raw_threads = std::min(row.clients, report.cores);
    std::printf("   CPU per sign, blst signer, %2u client(s): child %.0f us, benchmark clients %.0f us (raw signing %.0f us"
                " per thread)\n",
                row.clients, row.child_cpu_seconds * per_sign, row.client_cpu_seconds * per_sign,
                raw > 0 ? 1e6 * raw_threads / raw : 0);
  }
}

void print_route_rows(const Report& report) {
  std::printf("   %-14s %8s %10s %12s %10s %10s %9s\n", "request", "clients", "answers", "answers/s", "p50 us",
              "p99 us", "failures");
  for (const auto& row : report.routes) {
    std::printf("   %-14s %8u %10zu %12.1f %10.1f %10.1f %9zu\n", exchange_name(row.exchange), row.clients,
                row.summary.count, row.summary.per_second, row.summary.p50_us, row.summary.p99_us, row.failures);
  }
}

}  // namespace

const char* exchange_name(Exchange exchange) {
  switch (exchange) {
    case Exchange::BlsSign: return "BLS sign";
    case Exchange::BlsSigner: return "blst signer";
    case Exchange::SelfRoute: return "runtime/self";
    case Exchange::ModuleEcho: return "module echo";
  }
  return "?";
}

void print_report(const Report& report) {
  std::printf("\nCryftee benchmark: %u cores, %.1f s per measurement, daemon %s\n", report.cores, report.seconds,
              report.daemon.c_str());
  std::printf("Load average (1, 5, 15 min) before: %s   after: %s\n", report.load_before.c_str(),
              report.load_after.c_str());

  std::printf("\n1. Transport floor: Unix-socket ping-pong with a forked echo child, the byte sizes of each HTTP "
              "exchange (%zu rounds per row)\n", report.floor_rounds);
  print_floor_rows(report);
  std::printf("   blst signer: the child signs each request with blst (signature DST) before it answers, one thread\n"
              "   per client: what signing behind a Unix socket costs with no HTTP, JSON, sandbox or custody; its\n"
              "   rows take turns with raw signing as section 4's do (their ratios are in the goals)\n");

  std::printf("\n2. Requests that sign nothing (Unix socket, HTTP/1.1 keep-alive; daemon with the test bundle)\n");
  std::printf("   runtime/self = GET /v1/runtime/self; module echo = POST /v1/modules/call debug_v1 debug_echo\n");
  print_route_rows(report);

  std::printf("\n3. Raw blst signing in process (32-byte messages, signature DST)\n");
  std::printf("   %-8s %10s %12s %10s %10s\n", "threads", "signs", "signs/s", "p50 us", "p99 us");
  for (const auto& row : report.raw) {
    std::printf("   %-8u %10zu %12.1f %10.1f %10.1f\n", row.threads, row.summary.count, row.summary.per_second,
                row.summary.p50_us, row.summary.p99_us);
  }

  std::printf("\n4. BLS sign through the API (Unix socket, HTTP/1.1 keep-alive, POST /v1/staking/bls/sign)\n");
  print_sign_rows(report.api);
  if (!report.grpc.empty()) {
    std::printf("\n4b. BLS sign through the gRPC signer (Unix socket, HTTP/2, AvalancheGo's Signer.Sign)\n");
    print_sign_rows(report.grpc);
  }

  std::printf("\n5. Cold start, median of %zu starts (runs in ms: %s)\n", report.cold.first_sign_ms.size(),
              list_ms(report.cold.first_sign_ms).c_str());
  std::printf("   process start -> first successful sign (incl. one key register): %.0f ms\n",
              median(report.cold.first_sign_ms));
  std::printf("   process start -> Unix socket accepts:                            %.0f ms\n",
              median(report.cold.socket_ms));

  std::printf("\n6. Resident memory of the daemon\n");
  char after_signs[64];
  std::snprintf(after_signs, sizeof(after_signs), "VmRSS after %zu signs:", report.memory.signs);
  std::printf("   %-32s %8.1f MiB\n", "VmRSS after start + register:", mib(report.memory.idle_rss_kib));
  std::printf("   %-32s %8.1f MiB   (peak VmHWM %.1f MiB)\n", after_signs, mib(report.memory.rss_kib),
              mib(report.memory.peak_rss_kib));

  std::printf("\nChecks: every sign answer must be 200 with a 96-byte signature; all %zu counted signatures verified "
              "with blst after each run (one weighted batch check per run). runtime/self must answer 200 with "
              "\"healthy\": true, the echo must return the counter it was sent.\n", report.verified);
  if (report.failures == 0) {
    std::printf("Failures: none\n");
  } else {
    std::printf("Failures: %zu\n", report.failures);
    for (const auto& sample : report.failure_samples) std::printf("   %s\n", sample.c_str());
  }
  print_goals(report);
}

}  // namespace cryftee::bench
