// cryftgo's view of the runtime: GET /v1/runtime/self, POST /v1/runtime/heartbeat, GET /v1/runtime/connection.
#include <limits>

#include "api/api_routes.h"
#include "api/cryftgo_tracker.h"
#include "api/json_body.h"
#include "api/json_response.h"
#include "api/status_report.h"
#include "util/error.h"
#include "util/time.h"
#include "version.h"

namespace cryftee::api {
namespace {

using nlohmann::json;

// A module is pinned when its file is present and hashes to what the manifest declares.
bool pinned(const runtime::ModuleRecord& record) {
  return !record.computed_hash.empty() && record.computed_hash == record.entry.hash;
}

Response runtime_self(const ApiContext& context) {
  const std::shared_ptr<const runtime::Registry> registry = context.registry.current();
  std::size_t pinned_count = 0;
  json missing = json::array();
  for (const runtime::ModuleRecord& record : registry->modules) {
    if (pinned(record)) {
      ++pinned_count;
    } else {
      missing.push_back(record.entry.id);
    }
  }
  const bool healthy = registry->epoch > 0 && missing.empty() && registry->problems.empty();
  return json_response({
      {"healthy", healthy},
      {"epoch", registry->epoch},
      {"cryfteeVersion", kCryfteeVersion},
      {"pinSummary", {{"pinned", pinned_count}, {"missing", missing.size()}, {"missingModules", missing}}},
      {"problems", registry->problems},
  });
}

std::string required_text(const json& body, const char* name) {
  const auto it = body.find(name);
  if (it == body.end() || !it->is_string()) {
    throw bad_request(std::string("heartbeat field \"") + name + "\" must be a string", "bad_heartbeat");
  }
  const std::string& text = it->get_ref<const std::string&>();
  if (text.size() > kMaxHeartbeatTextLength) {
    throw bad_request(std::string("heartbeat field \"") + name + "\" is longer than " +
                          std::to_string(kMaxHeartbeatTextLength) + " characters",
                      "bad_heartbeat");
  }
  return text;
}

std::int64_t required_timestamp(const json& body) {
  const auto it = body.find("timestamp");
  const bool in_range = it != body.end() &&
                        ((it->is_number_unsigned() && it->get<std::uint64_t>() <= std::numeric_limits<std::int64_t>::max()) ||
                         (it->is_number_integer() && it->get<std::int64_t>() >= 0));
  if (!in_range) {
    throw bad_request("heartbeat field \"timestamp\" must be a non-negative integer: Unix time in milliseconds",
                      "bad_heartbeat");
  }
  return it->get<std::int64_t>();
}

Response runtime_heartbeat(ApiContext& context, const Request& request) {
  const json body = json_object_body(request);
  context.cryftgo.heartbeat(Heartbeat{
      .cryftgo_version = required_text(body, "cryftgo_version"),
      .node_id = required_text(body, "node_id"),
      .timestamp_ms = required_timestamp(body),
  });
  return json_response({{"acknowledged", true}});
}

std::string endpoint(const Config& config) {
  if (config.transport == Transport::Uds) return config.uds_path.string();
  const bool ipv6 = config.http_addr.host.find(':') != std::string::npos;
  return (ipv6 ? "[" + config.http_addr.host + "]" : config.http_addr.host) + ":" + std::to_string(config.http_addr.port);
}

Response runtime_connection(const ApiContext& context) {
  const ConnectionSnapshot snapshot = context.cryftgo.snapshot();
  const std::shared_ptr<const runtime::Registry> registry = context.registry.current();
  return json_response({
      {"connected", snapshot.connected},
      {"transport", transport_name(context.config.transport)},
      {"endpoint", endpoint(context.config)},
      {"last_seen", snapshot.last_seen ? json(rfc3339_utc(*snapshot.last_seen)) : json(nullptr)},
      {"latency_ms", snapshot.latency_ms ? json(*snapshot.latency_ms) : json(nullptr)},
      {"cryftgo_version", snapshot.cryftgo_version},
      {"cryftgo_node_id", snapshot.cryftgo_node_id},
      {"request_count", snapshot.request_count},
      {"error_count", snapshot.error_count},
      {"last_error", snapshot.last_error ? json(*snapshot.last_error) : json(nullptr)},
      {"signer_ready", signer_ready(*registry)},
  });
}

}  // namespace

void add_runtime_routes(Router& router, ApiContext& context) {
  router.add("GET", "/v1/runtime/self", Access::ReadOnly, [&context](const Request&) { return runtime_self(context); });
  // Only the API client may claim to be cryftgo: the kiosk listener refuses this route.
  router.add("POST", "/v1/runtime/heartbeat", Access::Staking,
             [&context](const Request& request) { return runtime_heartbeat(context, request); });
  router.add("GET", "/v1/runtime/connection", Access::ReadOnly,
             [&context](const Request&) { return runtime_connection(context); });
}

}  // namespace cryftee::api
