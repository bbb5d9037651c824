#pragma once
// A router with every /v1 route over a hand-built registry, a real Attestor, a real CryftgoTracker and a
// memory-only custody, for tests that call routes without sockets.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "api/api_routes.h"
#include "api/cryftgo_tracker.h"
#include "attest/attestor.h"
#include "custody_support.h"

namespace cryftee::api::api_test {

using nlohmann::json;

inline runtime::ModuleRecord module(std::string id, bool loaded, bool pinned, std::vector<std::string> capabilities,
                    std::map<std::string, bool> default_for = {}) {
  runtime::ModuleRecord record;
  record.entry.id = std::move(id);
  record.entry.version = "1.0.0";
  record.entry.description = "test module";
  record.entry.capabilities = std::move(capabilities);
  record.entry.default_for = std::move(default_for);
  record.entry.publisher_id = "cryftee-dev";
  record.entry.hash = "sha256:" + std::string(64, 'a');
  record.computed_hash = pinned ? record.entry.hash : "sha256:" + std::string(64, 'b');
  record.status = {.trusted = loaded, .compatible = true, .loaded = loaded,
                   .reason = loaded ? "" : "the module file's hash does not match the manifest",
                   .failure = loaded ? runtime::ModuleFailure::None : runtime::ModuleFailure::HashMismatch};
  return record;
}

inline std::shared_ptr<const runtime::Registry> signer_registry(std::uint64_t epoch) {
  auto registry = std::make_shared<runtime::Registry>();
  registry->epoch = epoch;
  registry->manifest_hash = "sha256:" + std::string(64, '1');
  registry->modules.push_back(module("bls_tls_signer_v1", true, true,
                                     {"bls_register", "bls_sign", "bls_pop", "tls_register", "tls_sign"},
                                     {{"bls", true}, {"tls", true}}));
  registry->modules.push_back(module("tampered_v1", false, false, {"debug_echo"}));
  registry->defaults = {{"bls", "bls_tls_signer_v1"}, {"tls", "bls_tls_signer_v1"}};
  return registry;
}

class ApiRoutes : public ::testing::Test {
 protected:
  ApiRoutes() {
    config.uds_path = "/run/cryftee/test.sock";
    registry.replace(signer_registry(1));
    add_api_routes(router, context);
  }

  Response call(std::string method, std::string target, std::string body = {},
                ListenerKind listener = ListenerKind::Api, PeerTransport transport = PeerTransport::Unix,
                bool loopback = true) {
    Request request;
    request.method = std::move(method);
    request.target = std::move(target);
    parse_target(request.target, request.path, request.query);
    request.body = std::move(body);
    request.listener = listener;
    request.peer.transport = transport;
    request.peer.loopback = loopback;
    return router.handle(request);
  }

  static json body_of(const Response& response) { return json::parse(response.body); }

  Config config;
  runtime::RegistryHolder registry;
  Attestor attestor{config};
  CryftgoTracker tracker;
  Custody custody{cryftee::testing::memory_only_custody()};
  ApiContext context{config, registry, {}, attestor, tracker, std::chrono::system_clock::now(), custody};
  std::string admin_token = "s3cret-admin-token";
  Router router{AccessPolicy{&admin_token, true}};
};

}  // namespace cryftee::api::api_test
