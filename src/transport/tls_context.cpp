#include "transport/tls_context.h"

#include <openssl/ssl.h>

#include "transport/listener_error.h"

namespace cryftee::transport {
namespace {

namespace ssl = boost::asio::ssl;

template <typename Action>
void load(const char* what, const std::filesystem::path& file, Action action) {
  boost::system::error_code error;
  action(file.string(), error);
  if (error) throw ListenerError(std::string("https: cannot use ") + what + " " + file.string() + ": " + error.message());
}

}  // namespace

ssl::context make_tls_context(const Config& config) {
  if (!config.tls_cert || !config.tls_key) {
    throw ListenerError("https: the https transport needs --tls-cert and --tls-key (PEM files)");
  }
  ssl::context context(ssl::context::tls_server);
  context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                      ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION);
  load("certificate chain", *config.tls_cert,
       [&](const std::string& f, boost::system::error_code& e) { context.use_certificate_chain_file(f, e); });
  load("private key", *config.tls_key,
       [&](const std::string& f, boost::system::error_code& e) { context.use_private_key_file(f, ssl::context::pem, e); });
  if (SSL_CTX_check_private_key(context.native_handle()) != 1) {
    throw ListenerError("https: the private key " + config.tls_key->string() + " does not match the certificate " +
                        config.tls_cert->string());
  }
  if (config.tls_client_ca) {
    load("client CA", *config.tls_client_ca,
         [&](const std::string& f, boost::system::error_code& e) { context.load_verify_file(f, e); });
    context.set_verify_mode(ssl::verify_peer);
  } else {
    context.set_verify_mode(ssl::verify_none);
  }
  return context;
}

}  // namespace cryftee::transport
