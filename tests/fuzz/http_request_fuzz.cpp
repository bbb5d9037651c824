// Fuzzes the HTTP request path as a connection runs it: raw bytes into Beast's request parser with the
// daemon's default header and body limits, the conversion a session makes (transport/beast_request.h), and
// the daemon's whole routing table (api/daemon_routes.h) with its access policy, JSON bodies, every
// handler that needs no engine and the kiosk's static files. Input: one flag byte (listener, peer), then
// the bytes a client sends; up to four pipelined requests are answered. Every request that parses must
// get a status from 200 to 599, an error must be the JSON error shape, and nothing may crash or throw.
// Run longer with:
//   build/tests/http_request_fuzz -max_total_time=600 build/fuzz-corpus/http_request_fuzz tests/fuzz/corpus/http_request_fuzz
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>

#include <cstdint>
#include <cstdlib>
#include <memory>

#include <nlohmann/json.hpp>

#include "api/cryftgo_tracker.h"
#include "api/daemon_routes.h"
#include "attest/attestor.h"
#include "custody/custody.h"
#include "key_store/none_sealer.h"
#include "transport/beast_request.h"
#include "util/log.h"

namespace {

using namespace cryftee;
using namespace cryftee::api;
using namespace cryftee::transport;

constexpr int kMaxRequestsPerInput = 4;
const std::string kAdminToken = "fuzz-admin-token-0123456789";

std::shared_ptr<const runtime::Registry> fixed_registry(std::uint64_t epoch) {
  auto registry = std::make_shared<runtime::Registry>();
  registry->epoch = epoch;
  runtime::ModuleRecord signer;
  signer.entry.id = "bls_tls_signer_v1";
  signer.entry.version = "1.0.0";
  signer.entry.capabilities = {"bls_register", "bls_sign", "tls_register", "tls_sign"};
  signer.entry.default_for = {{"bls", true}, {"tls", true}};
  signer.status = {.trusted = true, .compatible = true, .loaded = true};
  registry->modules.push_back(signer);
  registry->defaults = {{"bls", "bls_tls_signer_v1"}, {"tls", "bls_tls_signer_v1"}};
  return registry;
}

// The daemon's routes over a fixed registry and a memory-only custody, without an engine (staking routes
// answer 503).
struct Daemon {
  Daemon() {
    log::configure(log::Level::Error, LogFormat::Text);
    registry.replace(fixed_registry(1));
    context.reload = [this] {
      auto next = fixed_registry(registry.current()->epoch + 1);
      registry.replace(next);
      return std::shared_ptr<const runtime::Registry>(next);
    };
    add_daemon_routes(router, context, kiosk_files);
  }
  Config config;
  runtime::RegistryHolder registry;
  Attestor attestor{config, "sha256:" + std::string(64, '0')};
  CryftgoTracker cryftgo;
  Custody custody{CustodySetup{.sealer = key_store::make_none_sealer()}};
  ApiContext context{config, registry, {}, attestor, cryftgo, std::chrono::system_clock::now(), custody};
  StaticFiles kiosk_files{CRYFTEE_SOURCE_DIR "/ui"};
  Router router{AccessPolicy{&kAdminToken, true}};
};

void check(const Response& response) {
  if (response.status < 200 || response.status > 599) std::abort();
  if (response.status >= 400) {
    const auto body = nlohmann::json::parse(response.body, nullptr, false);
    if (!body.is_object() || !body["error"].is_string() || !body["message"].is_string()) std::abort();
  } else if (response.content_type == "application/json") {
    if (nlohmann::json::parse(response.body, nullptr, false).is_discarded()) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace beast = boost::beast;
  if (size == 0) return 0;
  static Daemon daemon;
  const Limits limits;
  const std::uint8_t flags = data[0];
  Peer peer;
  peer.transport = static_cast<PeerTransport>((flags >> 1) % 3);
  peer.loopback = (flags & 8) != 0;
  peer.client_cert_verified = (flags & 16) != 0;
  const ListenerKind listener = (flags & 1) ? ListenerKind::Kiosk : ListenerKind::Api;

  boost::asio::const_buffer rest(data + 1, size - 1);
  for (int i = 0; i < kMaxRequestsPerInput && rest.size() > 0; ++i) {
    beast::http::request_parser<beast::http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
    parser.body_limit(limits.max_body_bytes);
    parser.eager(true);
    beast::error_code error;
    const std::size_t used = parser.put(rest, error);
    rest += used;
    if (error == beast::http::error::need_more) parser.put_eof(error);
    if (error || !parser.is_done()) return 0;  // the session answers these itself (400, 413, 431)
    Request request = request_from_beast(parser.get(), peer);
    request.listener = listener;
    check(daemon.router.handle(request));
    if (!parser.keep_alive()) return 0;
  }
  return 0;
}
