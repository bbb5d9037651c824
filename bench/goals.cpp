#include "goals.h"

#include <algorithm>
#include <cstdio>
#include <string>

namespace cryftee::bench {
namespace {

// The goals (issue 13). Latency goals compare 1-client p50s; each baseline comes from the same run.
constexpr double kSelfRouteMaxFloorMultiple = 2.0;   // trivial route p50 <= 2 x floor p50
constexpr double kEchoMaxOverFloorUs = 25.0;         // module echo p50 <= floor p50 + 25 us
constexpr double kSignMaxOverRawUs = 60.0;           // BLS sign p50 <= raw blst p50 + 60 us
struct RatioGoal {
  unsigned clients;
  double min_ratio;  // API signs/s / raw signs/s on min(clients, cores) threads
};
constexpr RatioGoal kRatioGoals[] = {{1, 0.85}, {2, 0.90}, {16, 0.85}};
constexpr double kColdStartMaxMs = 150.0;            // spawn -> first signature
constexpr double kRssMaxMib = 64.0;                  // VmRSS after kRssGoalSigns signs
constexpr std::size_t kRssGoalSigns = 100'000;

const char* verdict(bool met) { return met ? "met" : "NOT met"; }

std::string format(const char* pattern, double value) {
  char text[64];
  std::snprintf(text, sizeof(text), pattern, value);
  return text;
}

void print_line(const std::string& goal, const std::string& measured, const std::string& baseline,
                const std::string& comparison, const std::string& target, const char* result) {
  std::printf("   %-34s %14s %22s %12s %12s  %s\n", goal.c_str(), measured.c_str(), baseline.c_str(),
              comparison.c_str(), target.c_str(), result);
}

void print_missing(const std::string& goal, const char* why) { print_line(goal, "-", "-", "-", "-", why); }

const FloorRow* floor_row(const Report& report, Exchange exchange, unsigned clients) {
  const auto it = std::find_if(report.floor.begin(), report.floor.end(),
                               [&](const FloorRow& r) { return r.exchange == exchange && r.clients == clients; });
  return it == report.floor.end() ? nullptr : &*it;
}

const RouteRow* route_row(const Report& report, Exchange exchange) {
  const auto it = std::find_if(report.routes.begin(), report.routes.end(),
                               [&](const RouteRow& r) { return r.exchange == exchange && r.clients == 1; });
  return it == report.routes.end() ? nullptr : &*it;
}

void print_route_goals(const Report& report) {
  const RouteRow* self = route_row(report, Exchange::SelfRoute);
  const FloorRow* self_floor = floor_row(report, Exchange::SelfRoute, 1);
  if (self && self_floor && self_floor->summary.p50_us > 0) {
    const double multiple = self->summary.p50_us / self_floor->summary.p50_us;
    print_line("runtime/self p50, 1 client", format("%.1f us", self->summary.p50_us),
               format("floor %.1f us", self_floor->summary.p50_us), format("%.2f x", multiple),
               format("<= %.2f x", kSelfRouteMaxFloorMultiple), verdict(multiple <= kSelfRouteMaxFloorMultiple));
  } else {
    print_missing("runtime/self p50, 1 client", "not measured");
  }

  const RouteRow* echo = route_row(report, Exchange::ModuleEcho);
  const FloorRow* echo_floor = floor_row(report, Exchange::ModuleEcho, 1);
  if (echo && echo_floor) {
    const double over = echo->summary.p50_us - echo_floor->summary.p50_us;
    print_line("module echo p50, 1 client", format("%.1f us", echo->summary.p50_us),
               format("floor %.1f us", echo_floor->summary.p50_us), format("%+.1f us", over),
               format("<= +%.0f us", kEchoMaxOverFloorUs), verdict(over <= kEchoMaxOverFloorUs));
  } else {
    print_missing("module echo p50, 1 client", "not measured");
  }
}

void print_sign_goals(const Report& report) {
  const auto one_client = std::find_if(report.api.begin(), report.api.end(), [](const ApiRow& r) { return r.clients == 1; });
  if (one_client != report.api.end() && !one_client->pairs.empty()) {
    const double over = median_p50_over_raw_us(one_client->pairs);
    print_line("BLS sign p50 overhead, 1 client", format("%.1f us", one_client->summary.p50_us),
               format("raw blst %.1f us", median_raw_p50_us(one_client->pairs)), format("%+.1f us", over),
               format("<= +%.0f us", kSignMaxOverRawUs), verdict(over <= kSignMaxOverRawUs));
  } else {
    print_missing("BLS sign p50 overhead, 1 client", "needs --clients with 1");
  }
  // Not a goal: the same overhead for a signer that only signs behind a socket, in its own pairs (what a
  // client sleeping while it waits pays with any server), and what the daemon adds to that.
  const FloorRow* signer = floor_row(report, Exchange::BlsSigner, 1);
  if (one_client != report.api.end() && !one_client->pairs.empty() && signer && !signer->pairs.empty()) {
    const double signer_over = median_p50_over_raw_us(signer->pairs);
    const double api_over = median_p50_over_raw_us(one_client->pairs);
    print_line("  blst signer p50 overhead, 1 client", format("%.1f us", signer->summary.p50_us),
               format("raw blst %.1f us", median_raw_p50_us(signer->pairs)), format("%+.1f us", signer_over), "-",
               "(no goal)");
    print_line("  API overhead - blst signer's", format("%+.1f us", api_over), format("%+.1f us", signer_over),
               format("%+.1f us", api_over - signer_over), "-", "(no goal)");
  }

  for (const RatioGoal& goal : kRatioGoals) {
    const std::string name = "API / raw signs/s, " + std::to_string(goal.clients) + " client(s)";
    const auto row = std::find_if(report.api.begin(), report.api.end(), [&](const ApiRow& r) { return r.clients == goal.clients; });
    if (row == report.api.end() || row->pairs.empty()) {
      print_missing(name, "not in --clients");
      continue;
    }
    const PairedRatio ratio = paired_ratio(row->pairs);
    print_line(name, format("%.1f/s", row->summary.per_second),
               format("raw %.1f/s", raw_per_second(row->pairs)) + " (" + std::to_string(row->raw_threads) + "t)",
               format("%.3f", ratio.median), format(">= %.2f", goal.min_ratio), verdict(ratio.median >= goal.min_ratio));
    // Not a goal: the same ratio for a signer that does nothing but sign behind a socket (the ceiling, in
    // its own pairs), and how much of it the daemon reaches.
    const FloorRow* signer = floor_row(report, Exchange::BlsSigner, goal.clients);
    if (signer && !signer->pairs.empty()) {
      const PairedRatio ceiling = paired_ratio(signer->pairs);
      const std::string spread = "(no goal; pairs " + format("%.3f", ceiling.lowest) + "-" +
                                 format("%.3f", ceiling.highest) + ")";
      print_line("  blst signer / raw, " + std::to_string(goal.clients) + " client(s)",
                 format("%.1f/s", signer->summary.per_second), format("raw %.1f/s", raw_per_second(signer->pairs)),
                 format("%.3f", ceiling.median), "-", spread.c_str());
      if (ceiling.median > 0) {
        print_line("  API ratio / blst signer ratio", format("%.3f", ratio.median), format("%.3f", ceiling.median),
                   format("%.3f", ratio.median / ceiling.median), "-", "(no goal)");
      }
    }
  }
}

void print_process_goals(const Report& report) {
  if (report.cold.first_sign_ms.empty()) {
    print_missing("cold start to first signature", "not measured");
  } else {
    const double cold = median(report.cold.first_sign_ms);
    print_line("cold start to first signature", format("%.0f ms", cold), "-", "-",
               format("<= %.0f ms", kColdStartMaxMs), verdict(cold <= kColdStartMaxMs));
  }

  const double rss = static_cast<double>(report.memory.rss_kib) / 1024.0;
  const std::string name = "VmRSS after " + std::to_string(report.memory.signs) + " signs";
  const bool enough_signs = report.memory.signs >= kRssGoalSigns;
  print_line(name, format("%.1f MiB", rss), "-", "-", format("<= %.0f MiB", kRssMaxMib),
             enough_signs ? verdict(rss <= kRssMaxMib) : "n/a: the goal is after 100000 signs (--rss-signs)");
}

void print_fairness(const Report& report) {
  std::printf("\nFairness: requests completed per client (fewest / most, and most / fewest), multi-client rows\n");
  const auto line = [](const std::string& what, unsigned clients, const Fairness& fairness) {
    const double spread = fairness.min_per_client > 0
                              ? static_cast<double>(fairness.max_per_client) / static_cast<double>(fairness.min_per_client)
                              : 0;
    std::printf("   %-34s %3u clients: %8zu / %-8zu  %s\n", what.c_str(), clients, fairness.min_per_client,
                fairness.max_per_client, fairness.min_per_client > 0 ? format("x %.2f", spread).c_str() : "a client starved");
  };
  for (const auto& row : report.floor) {
    if (row.clients > 1) line(std::string("floor (") + exchange_name(row.exchange) + " sizes)", row.clients, row.fairness);
  }
  for (const auto& row : report.api) {
    if (row.clients > 1) line("BLS sign, REST API", row.clients, row.fairness);
  }
  for (const auto& row : report.grpc) {
    if (row.clients > 1) line("BLS sign, gRPC signer", row.clients, row.fairness);
  }
}

}  // namespace

void print_goals(const Report& report) {
  std::printf("\nGoals (issue 13), each against its baseline from this run\n");
  print_line("goal", "measured", "baseline", "ratio/diff", "target", "result");
  print_route_goals(report);
  print_sign_goals(report);
  print_process_goals(report);
  print_fairness(report);
}

}  // namespace cryftee::bench
