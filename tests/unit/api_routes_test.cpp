// The /v1 routes through the real router, with a hand-built registry and a real Attestor.
#include "api/api_routes.h"

#include <gtest/gtest.h>

#include "api_fixture.h"
#include "attest/document.h"
#include "util/error.h"
#include "version.h"

namespace cryftee::api {
namespace {

using nlohmann::json;
using api_test::ApiRoutes;
using api_test::module;
using api_test::signer_registry;

TEST_F(ApiRoutes, StatusCarriesBothFieldSets) {
  const Response response = call("GET", "/v1/staking/status");
  ASSERT_EQ(response.status, 200);
  const json status = body_of(response);
  EXPECT_EQ(status["cryfteeVersion"], kCryfteeVersion);
  ASSERT_EQ(status["modules"].size(), 2u);
  const json& signer = status["modules"][0];
  for (const char* field : {"id", "version", "description", "capabilities", "defaultFor", "publisherId", "hash",
                            "computedHash", "trusted", "compatible", "loaded", "reason"}) {
    EXPECT_TRUE(signer.contains(field)) << field;
  }
  EXPECT_EQ(signer["defaultFor"], json({{"bls", true}, {"tls", true}}));
  EXPECT_EQ(status["modules"][1]["loaded"], false);
  EXPECT_EQ(status["modules"][1]["reason"], "the module file's hash does not match the manifest");
  EXPECT_EQ(status["modules"][1]["failure"], "hash_mismatch");
  EXPECT_EQ(signer["failure"], nullptr);
  EXPECT_EQ(signer["gui"], nullptr);
  EXPECT_EQ(status["web3Signer"]["reachable"], false);
  EXPECT_TRUE(status["wasmRuntime"].contains("healthy"));
  EXPECT_TRUE(status["wasmRuntime"].contains("engine"));
  EXPECT_EQ(status["ready"], true);
  EXPECT_EQ(status["module_version"], "1.0.0");
  EXPECT_EQ(status["capabilities"], json({"bls_pop", "bls_register", "bls_sign", "tls_register", "tls_sign"}));
  EXPECT_EQ(status["bls_pubkeys"], json::array());
  EXPECT_EQ(status["tls_pubkeys"], json::array());
  EXPECT_EQ(status["web3signer_url"], "");
  EXPECT_EQ(status["web3signer_connected"], false);
}

TEST_F(ApiRoutes, StatusIsNotReadyWithoutDefaultModules) {
  auto empty = std::make_shared<runtime::Registry>();
  empty->epoch = 2;
  empty->modules.push_back(module("tampered_v1", false, false, {"bls_sign"}, {{"bls", true}}));
  registry.replace(empty);
  const json status = body_of(call("GET", "/v1/staking/status"));
  EXPECT_EQ(status["ready"], false);
  EXPECT_EQ(status["module_version"], "");
  EXPECT_EQ(status["capabilities"], json::array());
}

TEST_F(ApiRoutes, StatusReportsAttachedPartsAndHidesUrlCredentials) {
  config.web3signer.enabled = true;
  config.web3signer.urls = {"http://user:pw@signer.internal:9000/path"};
  context.runtime_facts = [] {
    RuntimeFacts facts;
    facts.signer.bls_pubkeys = {"0xabc"};
    facts.runtime = {.healthy = true, .engine = "v8 10.2", .reason = std::nullopt, .details = {{"workers", 2}}};
    facts.web3signer = Web3SignerView{.reachable = true, .last_error = std::nullopt};
    return facts;
  };
  const json status = body_of(call("GET", "/v1/staking/status"));
  EXPECT_EQ(status["bls_pubkeys"], json({"0xabc"}));
  EXPECT_EQ(status["wasmRuntime"]["healthy"], true);
  EXPECT_EQ(status["wasmRuntime"]["engine"], "v8 10.2");
  EXPECT_EQ(status["wasmRuntime"]["workers"], 2);
  EXPECT_EQ(status["web3signer_url"], "http://signer.internal:9000/path");
  EXPECT_EQ(status["web3signer_connected"], true);
  EXPECT_EQ(status.dump().find("pw@"), std::string::npos);
}

TEST_F(ApiRoutes, SchemaDescribesManifestEntries) {
  const Response response = call("GET", "/v1/schema/modules");
  ASSERT_EQ(response.status, 200);
  const json schema = body_of(response);
  EXPECT_EQ(schema["abiVersion"], kAbiVersion);
  EXPECT_EQ(schema["schema"]["$schema"], "https://json-schema.org/draft/2020-12/schema");
  for (const char* field : {"id", "dir", "file", "version", "minCryfteeVersion", "description", "capabilities",
                            "defaultFor", "imports", "limits", "gui", "publisherId", "hash", "signature"}) {
    EXPECT_TRUE(schema["schema"]["properties"].contains(field)) << field;
  }
  json names = json::array();
  for (const json& capability : schema["capabilities"]) names.push_back(capability["name"]);
  EXPECT_EQ(names, json({"bls_register", "bls_sign", "bls_pop", "tls_register", "tls_sign"}));
  EXPECT_TRUE(schema["hostImports"].is_array());
  EXPECT_EQ(schema["manifestSchema"]["properties"]["modules"]["items"]["$ref"], "#/$defs/entry");
}

TEST_F(ApiRoutes, RuntimeSelfSummarisesPins) {
  const json self = body_of(call("GET", "/v1/runtime/self"));
  EXPECT_EQ(self["epoch"], 1);
  EXPECT_EQ(self["pinSummary"]["pinned"], 1);
  EXPECT_EQ(self["pinSummary"]["missing"], 1);
  EXPECT_EQ(self["pinSummary"]["missingModules"], json({"tampered_v1"}));
  EXPECT_EQ(self["healthy"], false);

  auto pinned = std::make_shared<runtime::Registry>(*signer_registry(4));
  pinned->modules.pop_back();
  registry.replace(pinned);
  const json healthy = body_of(call("GET", "/v1/runtime/self"));
  EXPECT_EQ(healthy["healthy"], true);
  EXPECT_EQ(healthy["epoch"], 4);
  EXPECT_EQ(healthy["pinSummary"]["missing"], 0);
}

TEST_F(ApiRoutes, HeartbeatIsAcknowledgedAndShowsInConnection) {
  const auto sent = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch()).count() - 40;
  const Response response = call("POST", "/v1/runtime/heartbeat",
                                 json({{"cryftgo_version", "1.11.0"}, {"node_id", "NodeID-7Xhw2"}, {"timestamp", sent}}).dump());
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(body_of(response), json({{"acknowledged", true}}));

  const json connection = body_of(call("GET", "/v1/runtime/connection"));
  EXPECT_EQ(connection["connected"], true);
  EXPECT_EQ(connection["transport"], "uds");
  EXPECT_EQ(connection["endpoint"], "/run/cryftee/test.sock");
  EXPECT_TRUE(connection["last_seen"].is_string());
  EXPECT_GE(connection["latency_ms"].get<std::int64_t>(), 40);
  EXPECT_LT(connection["latency_ms"].get<std::int64_t>(), 10'000);
  EXPECT_EQ(connection["cryftgo_version"], "1.11.0");
  EXPECT_EQ(connection["cryftgo_node_id"], "NodeID-7Xhw2");
  EXPECT_EQ(connection["signer_ready"], true);
  for (const char* field : {"request_count", "error_count", "last_error"}) EXPECT_TRUE(connection.contains(field)) << field;
}

TEST_F(ApiRoutes, HeartbeatWithWrongTypesIs400) {
  const json good = {{"cryftgo_version", "1.11.0"}, {"node_id", "NodeID-1"}, {"timestamp", 1732500000000}};
  std::vector<json> bad;
  for (const char* field : {"cryftgo_version", "node_id", "timestamp"}) {
    json missing = good;
    missing.erase(field);
    bad.push_back(missing);
    json wrong = good;
    wrong[field] = json::array();
    bad.push_back(wrong);
  }
  const auto with = [&good](const char* field, json value) {
    json changed = good;
    changed[field] = std::move(value);
    return changed;
  };
  bad.push_back(with("timestamp", "1732500000000"));
  bad.push_back(with("timestamp", -5));
  bad.push_back(with("timestamp", 17.5));
  bad.push_back(with("node_id", std::string(kMaxHeartbeatTextLength + 1, 'n')));
  for (const json& body : bad) {
    const Response response = call("POST", "/v1/runtime/heartbeat", body.dump());
    EXPECT_EQ(response.status, 400) << body.dump();
    EXPECT_EQ(body_of(response)["error"], "bad_heartbeat") << body.dump();
  }
  EXPECT_EQ(body_of(call("POST", "/v1/runtime/heartbeat", "{oops")), json({{"error", "bad_json"}, {"message", "the request body is not valid JSON"}}));
  EXPECT_EQ(call("POST", "/v1/runtime/heartbeat", "[1]").status, 400);
  EXPECT_EQ(body_of(call("POST", "/v1/runtime/heartbeat", std::string("{}\0garbage", 10)))["error"], "bad_json");
  EXPECT_FALSE(body_of(call("GET", "/v1/runtime/connection"))["connected"]);
}

TEST_F(ApiRoutes, KioskCannotSendHeartbeats) {
  const Response response = call("POST", "/v1/runtime/heartbeat",
                                 json({{"cryftgo_version", "1"}, {"node_id", "n"}, {"timestamp", 1}}).dump(),
                                 ListenerKind::Kiosk, PeerTransport::Tcp, true);
  EXPECT_EQ(response.status, 403);
}

TEST_F(ApiRoutes, AttestationEchoesTheNonceAndVerifies) {
  const Response response = call("GET", "/v1/runtime/attestation?nonce=hello%20world");
  ASSERT_EQ(response.status, 200);
  const json document = body_of(response);
  EXPECT_EQ(document["nonce"], "hello world");
  EXPECT_EQ(document["manifest_hash"], "sha256:" + std::string(64, '1'));
  EXPECT_EQ(document["loaded_modules"], json({"bls_tls_signer_v1"}));
  EXPECT_TRUE(verify_attestation(document, {.public_key_b64 = attestor.public_key_b64(), .nonce = "hello world"}).valid);

  EXPECT_EQ(body_of(call("GET", "/v1/runtime/attestation"))["nonce"], nullptr);
  for (const std::string& target : {"/v1/runtime/attestation?nonce=" + std::string(257, 'x'),
                                    std::string("/v1/runtime/attestation?nonce="),
                                    std::string("/v1/runtime/attestation?nonce=a%0Ab")}) {
    const Response refused = call("GET", target);
    EXPECT_EQ(refused.status, 400) << target;
    EXPECT_EQ(body_of(refused)["error"], "bad_nonce");
  }
}

TEST_F(ApiRoutes, ReloadSwapsInTheNewRegistry) {
  context.reload = [this] {
    auto next = signer_registry(registry.current()->epoch + 1);
    registry.replace(next);
    return std::shared_ptr<const runtime::Registry>(next);
  };
  const Response response = call("POST", "/v1/admin/reload-modules");
  ASSERT_EQ(response.status, 200) << response.body;
  const json reloaded = body_of(response);
  EXPECT_EQ(reloaded["reloaded"], true);
  EXPECT_EQ(reloaded["epoch"], 2);
  EXPECT_EQ(reloaded["loadedCount"], 1);
  EXPECT_EQ(reloaded["modules"].size(), 2u);
  EXPECT_EQ(registry.current()->epoch, 2u);
}

TEST_F(ApiRoutes, FailedReloadKeepsTheOldRegistryAndSaysSo) {
  context.reload = []() -> std::shared_ptr<const runtime::Registry> {
    throw Error(400, "bad_manifest", "manifest.json is not JSON");
  };
  const Response response = call("POST", "/v1/admin/reload-modules");
  EXPECT_EQ(response.status, 400);
  const json error = body_of(response);
  EXPECT_EQ(error["error"], "bad_manifest");
  EXPECT_NE(error["message"].get<std::string>().find("epoch 1 keep serving"), std::string::npos) << error["message"];
  EXPECT_NE(error["message"].get<std::string>().find("manifest.json is not JSON"), std::string::npos);
  EXPECT_EQ(registry.current()->epoch, 1u);
}

TEST_F(ApiRoutes, ReloadNeedsTheTokenFromRemotePeers) {
  int reloads = 0;
  context.reload = [this, &reloads] {
    ++reloads;
    return registry.current();
  };
  // Without the kiosk page's header nothing state-changing is served on the kiosk, loopback or not.
  EXPECT_EQ(call("POST", "/v1/admin/reload-modules", "", ListenerKind::Kiosk, PeerTransport::Tcp, true).status, 403);
  Request with_token;
  with_token.method = "POST";
  with_token.target = with_token.path = "/v1/admin/reload-modules";
  with_token.listener = ListenerKind::Kiosk;
  with_token.peer.transport = PeerTransport::Tcp;
  with_token.peer.loopback = true;
  with_token.headers[kKioskRequestHeader] = "1";
  EXPECT_EQ(router.handle(with_token).status, 401);
  with_token.headers["authorization"] = "Bearer wrong";
  EXPECT_EQ(router.handle(with_token).status, 403);
  with_token.headers["authorization"] = "Bearer " + admin_token;
  EXPECT_EQ(router.handle(with_token).status, 200);
  EXPECT_EQ(reloads, 1);
}

}  // namespace
}  // namespace cryftee::api
