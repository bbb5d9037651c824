#include "custody/web3signer_transport.h"

#include <curl/curl.h>

#include <cstring>
#include <mutex>

#include "util/bytes.h"
#include "util/error.h"

namespace cryftee {
namespace {

struct ResponseSink {
  std::string* body;
  std::size_t limit;
  bool overflowed = false;
};

std::size_t write_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* sink = static_cast<ResponseSink*>(user);
  const std::size_t bytes = size * count;
  if (sink->body->size() + bytes > sink->limit) {
    sink->overflowed = true;
    return 0;  // makes curl stop with CURLE_WRITE_ERROR
  }
  sink->body->append(data, bytes);
  return bytes;
}

// curl copies header strings; the copy of the Authorization header is wiped before it is freed.
struct HeaderList {
  curl_slist* list = nullptr;
  void add(const std::string& header) {
    if (curl_slist* next = curl_slist_append(list, header.c_str())) list = next;
  }
  ~HeaderList() {
    for (curl_slist* item = list; item; item = item->next) secure_zero(item->data, std::strlen(item->data));
    curl_slist_free_all(list);
  }
};

void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      throw internal_error("libcurl could not be initialised", "web3signer_misconfigured");
    }
  });
}

}  // namespace

CurlPool::CurlPool(HttpCredentials credentials, std::size_t max_idle_handles, std::size_t max_response_bytes)
    : credentials_(std::move(credentials)), max_idle_handles_(max_idle_handles), max_response_bytes_(max_response_bytes) {
  global_init_once();
}

CurlPool::~CurlPool() {
  if (credentials_.bearer_token) secure_zero(*credentials_.bearer_token);
  for (void* handle : idle_) curl_easy_cleanup(static_cast<CURL*>(handle));
}

void* CurlPool::acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      void* handle = idle_.back();
      idle_.pop_back();
      return handle;
    }
  }
  CURL* handle = curl_easy_init();
  if (!handle) throw internal_error("libcurl could not create a connection handle; the host may be out of memory");
  return handle;
}

void CurlPool::release(void* handle) {
  {
    std::lock_guard lock(mutex_);
    if (idle_.size() < max_idle_handles_) {
      idle_.push_back(handle);
      return;
    }
  }
  curl_easy_cleanup(static_cast<CURL*>(handle));
}

HttpResult CurlPool::perform(const HttpRequest& request) {
  CURL* curl = static_cast<CURL*>(acquire());
  // reset() forgets the previous request's options but keeps the handle's open connections.
  curl_easy_reset(curl);

  HttpResult result;
  ResponseSink sink{&result.body, max_response_bytes_};
  char error_buffer[CURL_ERROR_SIZE] = {0};
  HeaderList headers;
  headers.add("Accept: application/json");
  headers.add("Expect:");  // no 100-continue round trip for larger bodies
  const bool has_body = !request.body.empty() || std::strcmp(request.method, "GET") != 0;
  if (has_body) headers.add("Content-Type: application/json");
  if (credentials_.bearer_token) {
    std::string header = "Authorization: Bearer " + *credentials_.bearer_token;
    headers.add(header);
    secure_zero(header);
  }

  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.list);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
  if (credentials_.ca_file) curl_easy_setopt(curl, CURLOPT_CAINFO, credentials_.ca_file->c_str());
  if (credentials_.client_cert) curl_easy_setopt(curl, CURLOPT_SSLCERT, credentials_.client_cert->c_str());
  if (credentials_.client_key) curl_easy_setopt(curl, CURLOPT_SSLKEY, credentials_.client_key->c_str());
  if (std::strcmp(request.method, "GET") == 0) {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }

  const CURLcode code = curl_easy_perform(curl);
  long request_size = 0;
  curl_easy_getinfo(curl, CURLINFO_REQUEST_SIZE, &request_size);
  result.request_sent = request_size > 0;
  if (code == CURLE_OK) {
    result.answered = true;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
    const char* content_type = nullptr;
    if (curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &content_type) == CURLE_OK && content_type) {
      result.content_type = content_type;
    }
  } else if (sink.overflowed) {
    result.too_large = true;
    result.error = "the answer is larger than " + std::to_string(max_response_bytes_) + " bytes";
  } else if (code == CURLE_OPERATION_TIMEDOUT) {
    result.error = "no answer within " + std::to_string(request.timeout.count()) + " ms";
  } else {
    result.error = error_buffer[0] ? error_buffer : curl_easy_strerror(code);
  }
  // The handle keeps pointers to this call's buffers; drop them before it goes back to the pool.
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  release(curl);
  return result;
}

}  // namespace cryftee
