#pragma once
// One HTTP exchange with Web3Signer over libcurl, on handles from a pool so connections are reused
// (keep-alive). Knows nothing of Web3Signer's API; web3signer_client.cpp gives the answers meaning.
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace cryftee {

// How every request of a pool proves who it talks to and who it is.
struct HttpCredentials {
  std::optional<std::filesystem::path> ca_file;
  std::optional<std::filesystem::path> client_cert;
  std::optional<std::filesystem::path> client_key;
  std::optional<std::string> bearer_token;  // a secret; zeroed when the pool goes
};

struct HttpRequest {
  const char* method = "GET";
  std::string url;
  std::string body;                  // sent when non-empty (or when the method is POST/DELETE)
  std::chrono::milliseconds connect_timeout{};
  std::chrono::milliseconds timeout{};
};

struct HttpResult {
  bool answered = false;      // an HTTP status came back
  bool request_sent = false;  // any byte of the request left us (false: safe to try again anywhere)
  long status = 0;
  std::string body;
  std::string content_type;
  bool too_large = false;  // an answer came but exceeded the size limit
  std::string error;       // why there was no (usable) answer, for people
};

class CurlPool {
 public:
  CurlPool(HttpCredentials credentials, std::size_t max_idle_handles, std::size_t max_response_bytes);
  ~CurlPool();
  CurlPool(const CurlPool&) = delete;
  CurlPool& operator=(const CurlPool&) = delete;

  // Never throws for network trouble: the result says what happened.
  HttpResult perform(const HttpRequest& request);

 private:
  void* acquire();
  void release(void* handle);

  HttpCredentials credentials_;
  std::size_t max_idle_handles_;
  std::size_t max_response_bytes_;
  std::mutex mutex_;  // guards idle_ only, held for a push or a pop
  std::vector<void*> idle_;
};

}  // namespace cryftee
