// The http_request import: HTTP egress for modules, allowed only to the configured Web3Signer URLs.
#include <curl/curl.h>

#include <memory>

#include <nlohmann/json.hpp>

#include "runtime/host_abi.h"
#include "runtime/limits.h"

namespace cryftee::runtime {
namespace {

using engine::GuestMemory;
using engine::ValueType;

struct CurlFree {
  void operator()(CURL* curl) const noexcept { curl_easy_cleanup(curl); }
};
struct HeaderListFree {
  void operator()(curl_slist* list) const noexcept { curl_slist_free_all(list); }
};

// A URL is allowed when it equals a configured URL or continues it with a path, query or fragment.
bool url_allowed(const std::string& url, const std::vector<std::string>& allowed_urls) {
  for (const std::string& allowed : allowed_urls) {
    if (allowed.empty() || url.compare(0, allowed.size(), allowed) != 0) continue;
    if (url.size() == allowed.size() || allowed.back() == '/') return true;
    const char next = url[allowed.size()];
    if (next == '/' || next == '?' || next == '#') return true;
  }
  return false;
}

std::size_t collect_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  const std::size_t bytes = size * count;
  if (body->size() + bytes > runtime_limits::kMaxHttpBodyBytes) return 0;  // aborts the transfer
  body->append(data, bytes);
  return bytes;
}

// A text member of the module's request, or `fallback` when it is absent.
std::string text_member(const nlohmann::json& request, const char* name, const char* fallback) {
  const auto member = request.find(name);
  if (member == request.end()) return fallback;
  if (!member->is_string()) {
    throw bad_request(std::string("a module sent http_request a '") + name + "' that is not a string", "bad_egress_request");
  }
  return member->get<std::string>();
}

nlohmann::json perform(const nlohmann::json& request, const std::vector<std::string>& allowed_urls) {
  const std::string method = text_member(request, "method", "GET");
  const std::string url = text_member(request, "url", "");
  if (!url_allowed(url, allowed_urls)) {
    throw Error(403, "egress_refused", "a module asked to reach a URL that is not a configured Web3Signer URL; "
                                       "only the URLs in web3signer.urls may be reached");
  }
  std::unique_ptr<CURL, CurlFree> curl(curl_easy_init());
  if (!curl) throw internal_error("could not start an HTTP client", "http_client_failed");
  std::unique_ptr<curl_slist, HeaderListFree> headers;
  if (request.contains("headers") && request["headers"].is_object()) {
    for (const auto& [name, value] : request["headers"].items()) {
      if (!value.is_string()) continue;
      headers.reset(curl_slist_append(headers.release(), (name + ": " + value.get<std::string>()).c_str()));
    }
  }
  const std::string body = text_member(request, "body", "");
  std::string response_body;
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(runtime_limits::kHttpTimeout.count()));
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers.get());
  if (!body.empty() || method == "POST" || method == "PUT") {
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, &collect_body);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &response_body);
  const CURLcode result = curl_easy_perform(curl.get());
  if (result != CURLE_OK) {
    throw unavailable(std::string("Web3Signer could not be reached: ") + curl_easy_strerror(result) +
                          "; check that it runs and web3signer.urls points at it",
                      "web3signer_unreachable");
  }
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  return {{"status", status}, {"body", response_body}};
}

}  // namespace

std::vector<HostImport> http_imports() {
  // http_request(req_ptr, req_len, out_ptr, out_cap) -> response length. The request is JSON
  // {method, url, headers{}, body}; the response written to out is JSON {status, body}.
  engine::HostFunction function{
      std::string(kHostNamespace), "http_request",
      {{ValueType::I32, ValueType::I32, ValueType::I32, ValueType::I32}, {ValueType::I32}},
      [](GuestMemory& memory, CallContext* context, std::span<const std::int64_t> args) -> std::int64_t {
        if (context == nullptr || context->egress_urls.empty()) {
          throw unavailable("no Web3Signer URL is configured, so modules have no egress", "egress_refused");
        }
        nlohmann::json request = nlohmann::json::parse(
            read_guest_string(memory, args[0], args[1], runtime_limits::kMaxHttpBodyBytes, context, "http_request"),
            nullptr, false);
        if (!request.is_object()) throw bad_request("a module sent http_request something other than a JSON object", "bad_egress_request");
        const std::string response = perform(request, context->egress_urls).dump();
        return write_guest_bytes(memory, args[2], args[3], as_bytes(response), context, "http_request");
      }};
  return {HostImport{"http_request", std::move(function)}};
}

}  // namespace cryftee::runtime
