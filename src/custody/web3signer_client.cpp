#include "custody/web3signer_client.h"

#include <atomic>
#include <cctype>
#include <thread>

#include "custody/web3signer_transport.h"
#include "util/bytes.h"
#include "util/encoding.h"
#include "util/error.h"
#include "util/log.h"

namespace cryftee {
namespace {

constexpr std::size_t kPublicKeySize = 48;
constexpr std::size_t kSignatureSize = 96;
constexpr std::size_t kQuotedMessageChars = 200;  // how much of Web3Signer's own error text we repeat

enum class Retry { IfIdempotent, OnlyIfUnsent };

Error misconfigured(const std::string& message) { return Error(500, "web3signer_misconfigured", message); }

Error bad_response(const std::string& url, const std::string& what) {
  return Error(502, "web3signer_bad_response",
               "Web3Signer at " + url + " gave an answer Cryftee cannot use: " + what +
                   ". Check that the URL points at Web3Signer's eth2 API and look at Web3Signer's log.");
}

Error unreachable(const std::string& url, const std::string& what) {
  return Error(503, "web3signer_unreachable",
               "Web3Signer at " + url + " could not be reached (" + what +
                   "). Check that Web3Signer runs and that the configured Web3Signer URL is right.");
}

// Web3Signer's own explanation from an error body: its JSON "message", or the start of the text.
std::string quoted_message(const std::string& body) {
  std::string text = body;
  try {
    const auto json = nlohmann::json::parse(body);
    if (json.is_object() && json.contains("message") && json["message"].is_string()) text = json["message"];
  } catch (const nlohmann::json::exception&) {
  }
  if (text.size() > kQuotedMessageChars) text = text.substr(0, kQuotedMessageChars) + "...";
  return text.empty() ? "no message" : text;
}

// An optional text member of an answer; a member of another type (the spec says text) counts as absent.
std::string optional_text(const nlohmann::json& item, const char* name) {
  const auto member = item.find(name);
  return member != item.end() && member->is_string() ? member->get<std::string>() : std::string();
}

nlohmann::json parse_json(const HttpResult& result, const std::string& url) {
  try {
    return nlohmann::json::parse(result.body);
  } catch (const nlohmann::json::exception&) {
    throw bad_response(url, "the body is not JSON");
  }
}

// The errors every call shares, for an answer that is not the success the call expects.
[[noreturn]] void throw_for_status(const HttpResult& result, const std::string& url) {
  const std::string said = quoted_message(result.body);
  if (result.status == 401 || result.status == 403) {
    throw Error(502, "web3signer_unauthorized",
                "Web3Signer at " + url + " refused Cryftee's credentials (" + std::to_string(result.status) +
                    ": " + said + "). Set the Web3Signer auth token Web3Signer expects.");
  }
  if (result.status == 400) {
    throw bad_request("Web3Signer at " + url + " rejected the request: " + said, "web3signer_rejected_request");
  }
  throw bad_response(url, "HTTP " + std::to_string(result.status) + " (" + said + ")");
}

std::string trim_trailing_slashes(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

}  // namespace

std::string redact_url(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  const auto authority_start = scheme_end + 3;
  const auto authority_end = url.find_first_of("/?#", authority_start);
  const auto at = url.rfind('@', authority_end == std::string_view::npos ? url.size() : authority_end);
  if (at == std::string_view::npos || at < authority_start) return std::string(url);
  return std::string(url.substr(0, authority_start)) + std::string(url.substr(at + 1));
}

std::string web3signer_pubkey(std::string_view text) {
  auto bytes = decode_hex_or_base64(text, kPublicKeySize);
  if (!bytes || bytes->size() != kPublicKeySize) {
    throw bad_request("A BLS public key is 48 bytes, given as hex (with or without 0x) or base64",
                      "invalid_public_key");
  }
  return "0x" + hex_encode(*bytes);
}

struct Web3SignerClient::Impl {
  Web3SignerSettings settings;
  std::vector<std::string> urls;           // as configured, without trailing slashes
  std::vector<std::string> redacted_urls;  // for messages
  std::atomic<std::size_t> preferred{0};
  CurlPool pool;

  explicit Impl(Web3SignerSettings given)
      : settings(std::move(given)),
        pool(HttpCredentials{settings.ca_file, settings.client_cert, settings.client_key, settings.auth_token},
             defaults::kWeb3SignerIdleHandles, defaults::kWeb3SignerMaxResponseBytes) {
    if (settings.urls.empty()) {
      throw misconfigured("Web3Signer is enabled but no Web3Signer URL is configured; set the Web3Signer URL");
    }
    for (const auto& url : settings.urls) {
      if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
        throw misconfigured("The Web3Signer URL '" + redact_url(url) + "' must start with http:// or https://");
      }
      urls.push_back(trim_trailing_slashes(url));
      redacted_urls.push_back(redact_url(urls.back()));
    }
    if (settings.max_attempts == 0) settings.max_attempts = 1;
  }
  ~Impl() {
    if (settings.auth_token) secure_zero(*settings.auth_token);
  }

  HttpRequest request_for(std::size_t index, const char* method, const std::string& path) const {
    HttpRequest request;
    request.method = method;
    request.url = urls[index] + path;
    request.connect_timeout = settings.connect_timeout;
    request.timeout = settings.request_timeout;
    return request;
  }

  // Sends the request to the preferred URL, failing over to the others while nothing could be sent, and
  // retrying with backoff as `retry` allows. Returns the answer and the (redacted) URL that gave it.
  std::pair<HttpResult, std::string> call(const char* method, const std::string& path, std::string& body,
                                          Retry retry) {
    const bool idempotent = retry == Retry::IfIdempotent;
    auto backoff = settings.retry_backoff;
    HttpResult last;
    std::size_t last_index = preferred.load();
    for (unsigned attempt = 1;; ++attempt) {
      const std::size_t start = preferred.load();
      bool may_retry = true;
      for (std::size_t step = 0; step < urls.size(); ++step) {
        const std::size_t index = (start + step) % urls.size();
        HttpRequest request = request_for(index, method, path);
        request.body = body;
        last = pool.perform(request);
        secure_zero(request.body);
        last_index = index;
        if (last.too_large) throw bad_response(redacted_urls[index], last.error);
        const bool server_error = last.answered && last.status >= 500;
        if (last.answered && !server_error) {
          preferred.store(index);
          return {std::move(last), redacted_urls[index]};
        }
        if (server_error) {
          may_retry = idempotent;
          break;  // this URL answers; its trouble is not a reason to ask another
        }
        if (last.request_sent) {
          may_retry = idempotent;
          break;
        }
      }
      if (!may_retry || attempt >= settings.max_attempts) break;
      log::debug("web3signer_retry", {{"url", redacted_urls[last_index]}, {"path", path}, {"attempt", attempt}});
      std::this_thread::sleep_for(backoff);
      backoff *= 2;
    }
    if (last.answered) return {std::move(last), redacted_urls[last_index]};
    throw unreachable(redacted_urls[last_index], last.error);
  }

  std::pair<HttpResult, std::string> get(const std::string& path) {
    std::string no_body;
    return call("GET", path, no_body, Retry::IfIdempotent);
  }
};

Web3SignerClient::Web3SignerClient(Web3SignerSettings settings)
    : impl_(std::make_unique<Impl>(std::move(settings))) {}

Web3SignerClient::~Web3SignerClient() = default;

std::vector<std::string> Web3SignerClient::urls() const { return impl_->redacted_urls; }
std::size_t Web3SignerClient::preferred() const { return impl_->preferred.load(); }
void Web3SignerClient::prefer(std::size_t index) {
  if (index < impl_->urls.size()) impl_->preferred.store(index);
}

void Web3SignerClient::upcheck() {
  auto [result, url] = impl_->get("/upcheck");
  if (result.status != 200) throw_for_status(result, url);
}

Web3SignerHealthcheck Web3SignerClient::healthcheck() {
  std::string no_body;
  // A 503 here is Web3Signer's answer "a check is down", not an outage: do not retry it.
  auto [result, url] = impl_->call("GET", "/healthcheck", no_body, Retry::OnlyIfUnsent);
  if (result.status != 200 && result.status != 503) throw_for_status(result, url);
  Web3SignerHealthcheck health;
  health.healthy = result.status == 200;
  const auto json = parse_json(result, url);
  if (json.is_object()) {
    for (const char* field : {"outcome", "status"}) {
      if (json.contains(field) && json[field].is_string()) {
        health.outcome = json[field];
        break;
      }
    }
  }
  return health;
}

std::vector<std::string> Web3SignerClient::public_keys() {
  auto [result, url] = impl_->get("/api/v1/eth2/publicKeys");
  if (result.status != 200) throw_for_status(result, url);
  const auto json = parse_json(result, url);
  if (!json.is_array()) throw bad_response(url, "publicKeys is not a JSON array");
  std::vector<std::string> keys;
  for (const auto& item : json) {
    if (!item.is_string()) throw bad_response(url, "publicKeys holds a value that is not a string");
    try {
      keys.push_back(web3signer_pubkey(item.get<std::string>()));
    } catch (const Error&) {
      throw bad_response(url, "publicKeys holds a value that is not a BLS public key");
    }
  }
  return keys;
}

std::vector<Web3SignerKeyStatus> Web3SignerClient::import_keystores(
    const std::vector<Web3SignerKeystoreImport>& keystores, const std::optional<std::string>& slashing_protection) {
  nlohmann::json request = {{"keystores", nlohmann::json::array()}, {"passwords", nlohmann::json::array()}};
  for (const auto& item : keystores) {
    request["keystores"].push_back(item.keystore_json);
    request["passwords"].push_back(item.password);
  }
  if (slashing_protection) request["slashing_protection"] = *slashing_protection;
  std::string body = request.dump();
  for (auto& password : request["passwords"]) secure_zero(password.get_ref<std::string&>());

  std::pair<HttpResult, std::string> answer;
  try {
    answer = impl_->call("POST", "/eth/v1/keystores", body, Retry::OnlyIfUnsent);
  } catch (...) {
    secure_zero(body);
    throw;
  }
  secure_zero(body);
  auto& [result, url] = answer;
  if (result.status != 200) throw_for_status(result, url);
  const auto json = parse_json(result, url);
  if (!json.is_object() || !json.contains("data") || !json["data"].is_array() ||
      json["data"].size() != keystores.size()) {
    throw bad_response(url, "the import answer has no data array with one entry per keystore");
  }
  std::vector<Web3SignerKeyStatus> statuses;
  for (const auto& item : json["data"]) {
    if (!item.is_object() || !item.contains("status") || !item["status"].is_string()) {
      throw bad_response(url, "an import status is missing");
    }
    statuses.push_back({item["status"], optional_text(item, "message")});
  }
  return statuses;
}

std::vector<Web3SignerKey> Web3SignerClient::list_keystores() {
  auto [result, url] = impl_->get("/eth/v1/keystores");
  if (result.status != 200) throw_for_status(result, url);
  const auto json = parse_json(result, url);
  if (!json.is_object() || !json.contains("data") || !json["data"].is_array()) {
    throw bad_response(url, "the keystore list has no data array");
  }
  std::vector<Web3SignerKey> keys;
  for (const auto& item : json["data"]) {
    if (!item.is_object() || !item.contains("validating_pubkey") || !item["validating_pubkey"].is_string()) {
      throw bad_response(url, "a keystore entry has no validating_pubkey");
    }
    Web3SignerKey key;
    try {
      key.validating_pubkey = web3signer_pubkey(item["validating_pubkey"].get<std::string>());
    } catch (const Error&) {
      throw bad_response(url, "a validating_pubkey is not a BLS public key");
    }
    if (item.contains("derivation_path") && item["derivation_path"].is_string()) {
      key.derivation_path = item["derivation_path"];
    }
    if (item.contains("readonly") && item["readonly"].is_boolean()) key.readonly = item["readonly"];
    keys.push_back(std::move(key));
  }
  return keys;
}

Web3SignerDeletion Web3SignerClient::delete_keystores(const std::vector<std::string>& pubkeys) {
  nlohmann::json request = {{"pubkeys", nlohmann::json::array()}};
  for (const auto& pubkey : pubkeys) request["pubkeys"].push_back(web3signer_pubkey(pubkey));
  std::string body = request.dump();
  auto [result, url] = impl_->call("DELETE", "/eth/v1/keystores", body, Retry::IfIdempotent);
  if (result.status != 200) throw_for_status(result, url);
  const auto json = parse_json(result, url);
  if (!json.is_object() || !json.contains("data") || !json["data"].is_array() ||
      json["data"].size() != pubkeys.size()) {
    throw bad_response(url, "the delete answer has no data array with one entry per key");
  }
  Web3SignerDeletion deletion;
  for (const auto& item : json["data"]) {
    if (!item.is_object() || !item.contains("status") || !item["status"].is_string()) {
      throw bad_response(url, "a delete status is missing");
    }
    deletion.statuses.push_back({item["status"], optional_text(item, "message")});
  }
  if (json.contains("slashing_protection") && json["slashing_protection"].is_string()) {
    deletion.slashing_protection = json["slashing_protection"];
  }
  return deletion;
}

std::string Web3SignerClient::sign(std::string_view pubkey, const nlohmann::json& signing_request) {
  const std::string key = web3signer_pubkey(pubkey);
  if (!signing_request.is_object() || !signing_request.contains("type") || !signing_request["type"].is_string()) {
    throw bad_request("A Web3Signer signing request is a JSON object with a string field \"type\" (for example "
                      "RANDAO_REVEAL) and the fields that type needs",
                      "invalid_signing_request");
  }
  std::string body = signing_request.dump();
  auto [result, url] = impl_->call("POST", "/api/v1/eth2/sign/" + key, body, Retry::OnlyIfUnsent);
  if (result.status == 404) {
    throw not_found("Web3Signer at " + url + " holds no key " + key +
                        "; import it into Web3Signer first or check the public key",
                    "unknown_key");
  }
  if (result.status == 412) {
    throw conflict("Web3Signer's slashing protection refused to sign this request for " + key + ": " +
                       quoted_message(result.body),
                   "slashing_protection");
  }
  if (result.status != 200) throw_for_status(result, url);

  std::string signature;
  if (result.content_type.rfind("application/json", 0) == 0) {
    const auto json = parse_json(result, url);
    if (!json.is_object() || !json.contains("signature") || !json["signature"].is_string()) {
      throw bad_response(url, "the signing answer has no signature field");
    }
    signature = json["signature"];
  } else {
    signature = result.body;
    while (!signature.empty() && std::isspace(static_cast<unsigned char>(signature.back()))) signature.pop_back();
  }
  const auto bytes = hex_decode(signature);
  if (signature.rfind("0x", 0) != 0 || !bytes || bytes->size() != kSignatureSize) {
    throw bad_response(url, "the signature is not 0x followed by 96 bytes of hex");
  }
  return "0x" + hex_encode(*bytes);
}

Web3SignerProbe Web3SignerClient::probe(std::size_t index) {
  Web3SignerProbe probe;
  if (index >= impl_->urls.size()) {
    probe.error = "no Web3Signer URL number " + std::to_string(index);
    return probe;
  }
  const std::string& url = impl_->redacted_urls[index];
  HttpResult up = impl_->pool.perform(impl_->request_for(index, "GET", "/upcheck"));
  if (!up.answered) {
    probe.error = "Web3Signer at " + url + " could not be reached (" + up.error + ")";
    return probe;
  }
  if (up.status != 200) {
    probe.error = "Web3Signer at " + url + " answered /upcheck with HTTP " + std::to_string(up.status);
    return probe;
  }
  probe.reachable = true;
  HttpResult health = impl_->pool.perform(impl_->request_for(index, "GET", "/healthcheck"));
  if (!health.answered) {
    probe.error = "Web3Signer at " + url + " did not answer /healthcheck (" + health.error + ")";
  } else if (health.status != 200) {
    probe.error = "Web3Signer at " + url + " reports itself unhealthy (/healthcheck answered HTTP " +
                  std::to_string(health.status) + ")";
  } else {
    probe.healthy = true;
  }
  return probe;
}

}  // namespace cryftee
