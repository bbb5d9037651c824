#include "config/validate.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>

#include "config/defaults.h"
#include "config/file_text.h"
#include "config/loader.h"
#include "config/values.h"
#include "util/bytes.h"

namespace cryftee::config {
namespace {

std::string spelled(std::string_view id) {
  const Setting* setting = find_setting(id);
  std::string text(setting->flag.empty() ? setting->env : setting->flag);
  if (!setting->flag.empty()) {
    text += "/";
    text += setting->env;
  }
  return text;
}

// A certificate and its key come together or not at all.
void require_pair(const Draft& draft, std::string_view cert_id, bool has_cert, std::string_view key_id, bool has_key) {
  if (has_cert == has_key) return;
  const auto given = has_cert ? cert_id : key_id;
  const auto missing = has_cert ? key_id : cert_id;
  throw ConfigError(draft.origin_of(given, given) + ": is set without " + spelled(missing) +
                    " (accepted: both a certificate and its key, or neither)");
}

void require_tls_pair(const Draft& draft) {
  const auto& config = draft.config;
  if (config.transport == Transport::Https && (!config.tls_cert || !config.tls_key)) {
    throw ConfigError(draft.origin_of("api.transport", "api.transport") +
                      ": 'https' needs a TLS certificate and key (accepted: set " + spelled("tls.cert") + " and " +
                      spelled("tls.key") + ", or use the uds transport)");
  }
  require_pair(draft, "tls.cert", config.tls_cert.has_value(), "tls.key", config.tls_key.has_value());
}

bool is_loopback_literal(const std::string& host) {
  in_addr v4{};
  if (::inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (::inet_pton(AF_INET6, host.c_str(), &v6) != 1) return false;
  if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
  return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
}

// Plain HTTP carries no protection of its own: it is served only where every peer is on this machine
// and the kernel can name its user.
void require_loopback_for_http(const Draft& draft) {
  const auto& config = draft.config;
  if (config.transport != Transport::Http || is_loopback_literal(config.http_addr.host)) return;
  const bool ipv6 = config.http_addr.host.find(':') != std::string::npos;
  const std::string address = (ipv6 ? "[" + config.http_addr.host + "]" : config.http_addr.host) + ":" +
                              std::to_string(config.http_addr.port);
  throw ConfigError(draft.origin_of("api.http_addr", "api.http_addr") + ": '" + address +
                    "' is not a loopback address, and the http transport serves only on loopback (accepted: " +
                    "127.0.0.1:PORT or [::1]:PORT; to serve beyond this machine use --api-transport https, or uds)");
}

void require_readable(const Draft& draft, std::string_view id, const std::optional<std::filesystem::path>& file,
                      const std::string& what) {
  if (file) require_readable_file(*file, draft.origin_of(id, id), what);
}

// A secret given either in a variable or in a file. Bearer tokens must be printable and at least
// `min_length` long (guessable tokens are refused); passwords may be any non-empty text.
enum class SecretShape { Token, Password };
struct SecretToken {
  std::string_view token_id;
  std::string_view file_id;
  std::optional<std::string>& token;
  std::optional<std::filesystem::path>& file;
  std::optional<std::string>& target;
  std::size_t min_length;
  SecretShape shape = SecretShape::Token;
};

void check_token_shape(const std::string& token, const std::string& origin, std::size_t min_length) {
  const bool printable = std::all_of(token.begin(), token.end(), [](char c) { return c > ' ' && c < 0x7f; });
  if (token.size() < min_length || token.size() > defaults::kMaxAdminTokenLength || !printable) {
    throw ConfigError(origin + ": the token has " + std::to_string(token.size()) + " characters" +
                      (printable ? "" : " and some are not printable") + " (accepted: " + std::to_string(min_length) +
                      " to " + std::to_string(defaults::kMaxAdminTokenLength) +
                      " printable ASCII characters without spaces; the value is not shown because it is a secret)");
  }
}

void check_password_shape(const std::string& password, const std::string& origin) {
  if (password.empty() || password.size() > defaults::kMaxAdminTokenLength) {
    throw ConfigError(origin + ": the password has " + std::to_string(password.size()) +
                      " bytes (accepted: 1 to " + std::to_string(defaults::kMaxAdminTokenLength) +
                      " bytes; the value is not shown because it is a secret)");
  }
}

void check_secret_shape(const std::string& secret, const std::string& origin, const SecretToken& setting) {
  if (setting.shape == SecretShape::Password) {
    check_password_shape(secret, origin);
  } else {
    check_token_shape(secret, origin, setting.min_length);
  }
}

std::string read_token_file(const std::filesystem::path& file, const std::string& origin) {
  struct stat status {};
  if (::stat(file.c_str(), &status) == 0 && (status.st_mode & defaults::kSecretFileForbiddenModeBits) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(status.st_mode & 07777));
    throw ConfigError(origin + ": '" + file.native() + "' is accessible by group or others (mode " + mode +
                      ") (accepted: a file only its owner can read; run chmod 600 on it)");
  }
  std::string token = read_named_file(file, origin, "a readable file holding the token");
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  return token;
}

// The variable and the file are one setting with two spellings: the higher layer wins, and both in the
// same layer is ambiguous.
void resolve_token(Draft& draft, const SecretToken& secret) {
  const auto token = draft.sources.find(secret.token_id);
  const auto file = draft.sources.find(secret.file_id);
  const bool has_token = token != draft.sources.end();
  const bool has_file = file != draft.sources.end();
  if (has_token && has_file && token->second.layer == file->second.layer) {
    throw ConfigError(token->second.origin + " and " + file->second.origin +
                      " are both set (accepted: one of them; the value is not shown because it is a secret)");
  }
  if (has_file && (!has_token || file->second.layer > token->second.layer)) {
    secret.target = read_token_file(*secret.file, file->second.origin);
    check_secret_shape(*secret.target, file->second.origin, secret);
  } else if (has_token) {
    secret.target = *secret.token;
    check_secret_shape(*secret.target, token->second.origin, secret);
  }
  if (secret.token) secure_zero(*secret.token);
  secret.token.reset();
}

}  // namespace

void finish_and_validate(Draft& draft) {
  auto& config = draft.config;
  if (config.manifest_path.empty()) config.manifest_path = config.module_dir / defaults::kManifestFile;
  if (config.http_addr.host.empty()) {
    // The default address is a named constant in text form; it goes through the user's parser.
    const char* address = config.transport == Transport::Http ? defaults::kLoopbackHttpAddr : defaults::kHttpAddr;
    config.http_addr = parse_host_port({"api.http_addr", std::string(address), "default api.http_addr", Layer::Flag, std::nullopt});
  }
  require_loopback_for_http(draft);

  require_tls_pair(draft);
  require_readable(draft, "tls.cert", config.tls_cert, "a readable PEM certificate file");
  require_readable(draft, "tls.key", config.tls_key, "a readable PEM private key file");
  require_readable(draft, "tls.client_ca", config.tls_client_ca, "a readable PEM CA bundle");
  require_readable(draft, "attestation.key_file", config.attestation_key_file, "a readable attestation key file");
  resolve_token(draft, {"access.admin_token", "access.admin_token_file", draft.admin_token, draft.admin_token_file,
                        config.admin_token, defaults::kMinAdminTokenLength});
  resolve_token(draft, {"web3signer.auth_token", "web3signer.auth_token_file", draft.web3signer_auth_token,
                        draft.web3signer_auth_token_file, config.web3signer.auth_token, 1});
  resolve_token(draft, {"web3signer.keystore_password", "web3signer.keystore_password_file",
                        draft.web3signer_keystore_password, draft.web3signer_keystore_password_file,
                        config.web3signer.keystore_password, 1, SecretShape::Password});
  resolve_token(draft, {"keys.seal_passphrase", "keys.seal_passphrase_file", draft.seal_passphrase,
                        draft.seal_passphrase_file, config.key_store.seal_passphrase, 1, SecretShape::Password});
  require_readable(draft, "web3signer.ca_file", config.web3signer.ca_file, "a readable PEM CA bundle");
  require_pair(draft, "web3signer.client_cert", config.web3signer.client_cert.has_value(), "web3signer.client_key",
               config.web3signer.client_key.has_value());
  require_readable(draft, "web3signer.client_cert", config.web3signer.client_cert, "a readable PEM certificate file");
  require_readable(draft, "web3signer.client_key", config.web3signer.client_key, "a readable PEM private key file");

  if (config.web3signer.enabled && config.web3signer.urls.empty()) {
    throw ConfigError(draft.origin_of("web3signer.enabled", "web3signer.enabled") +
                      ": 'true' needs a Web3Signer URL (accepted: set " + spelled("web3signer.urls") +
                      ", or disable Web3Signer)");
  }
}

}  // namespace cryftee::config
