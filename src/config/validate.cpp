#include "config/validate.h"

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

void require_tls_pair(const Draft& draft) {
  const auto& config = draft.config;
  if (config.transport == Transport::Https && (!config.tls_cert || !config.tls_key)) {
    throw ConfigError(draft.origin_of("api.transport", "api.transport") +
                      ": 'https' needs a TLS certificate and key (accepted: set " + spelled("tls.cert") + " and " +
                      spelled("tls.key") + ", or use the uds transport)");
  }
  if (config.tls_cert.has_value() != config.tls_key.has_value()) {
    const auto [given, missing] = config.tls_cert ? std::pair{"tls.cert", "tls.key"} : std::pair{"tls.key", "tls.cert"};
    throw ConfigError(draft.origin_of(given, given) + ": is set without " + spelled(missing) +
                      " (accepted: both a certificate and its key, or neither)");
  }
}

void require_readable(const Draft& draft, std::string_view id, const std::optional<std::filesystem::path>& file,
                      const std::string& what) {
  if (file) require_readable_file(*file, draft.origin_of(id, id), what);
}

void check_token_shape(const std::string& token, const std::string& origin) {
  const bool printable = std::all_of(token.begin(), token.end(), [](char c) { return c > ' ' && c < 0x7f; });
  if (token.size() < defaults::kMinAdminTokenLength || token.size() > defaults::kMaxAdminTokenLength || !printable) {
    throw ConfigError(origin + ": the token has " + std::to_string(token.size()) + " characters" +
                      (printable ? "" : " and some are not printable") + " (accepted: " +
                      std::to_string(defaults::kMinAdminTokenLength) + " to " +
                      std::to_string(defaults::kMaxAdminTokenLength) +
                      " printable ASCII characters without spaces; the value is not shown because it is a secret)");
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
  std::string token = read_named_file(file, origin, "a readable file holding the admin token");
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  return token;
}

// CRYFTEE_ADMIN_TOKEN and the token file are one setting with two spellings: the higher layer wins, and
// both in the same layer is ambiguous.
void resolve_admin_token(Draft& draft) {
  const auto token = draft.sources.find("access.admin_token");
  const auto file = draft.sources.find("access.admin_token_file");
  const bool has_token = token != draft.sources.end();
  const bool has_file = file != draft.sources.end();
  if (has_token && has_file && token->second.layer == file->second.layer) {
    throw ConfigError(token->second.origin + " and " + file->second.origin +
                      " are both set (accepted: one of them; the value is not shown because it is a secret)");
  }
  if (has_file && (!has_token || file->second.layer > token->second.layer)) {
    if (draft.admin_token) secure_zero(*draft.admin_token);
    draft.config.admin_token = read_token_file(*draft.admin_token_file, file->second.origin);
    check_token_shape(*draft.config.admin_token, file->second.origin);
  } else if (has_token) {
    draft.config.admin_token = std::move(draft.admin_token);
    check_token_shape(*draft.config.admin_token, token->second.origin);
  }
  draft.admin_token.reset();
}

}  // namespace

void finish_and_validate(Draft& draft) {
  auto& config = draft.config;
  if (config.manifest_path.empty()) config.manifest_path = config.module_dir / defaults::kManifestFile;
  if (config.http_addr.host.empty()) {
    // The default address is a named constant in text form; it goes through the user's parser.
    config.http_addr = parse_host_port({"api.http_addr", std::string(defaults::kHttpAddr), "default api.http_addr", Layer::Flag});
  }

  require_tls_pair(draft);
  require_readable(draft, "tls.cert", config.tls_cert, "a readable PEM certificate file");
  require_readable(draft, "tls.key", config.tls_key, "a readable PEM private key file");
  require_readable(draft, "tls.client_ca", config.tls_client_ca, "a readable PEM CA bundle");
  require_readable(draft, "attestation.key_file", config.attestation_key_file, "a readable attestation key file");
  resolve_admin_token(draft);

  if (config.web3signer.enabled && config.web3signer.urls.empty()) {
    throw ConfigError(draft.origin_of("web3signer.enabled", "web3signer.enabled") +
                      ": 'true' needs a Web3Signer URL (accepted: set " + spelled("web3signer.urls") +
                      ", or disable Web3Signer)");
  }
}

}  // namespace cryftee::config
