// The gRPC signer's settings: where it listens, which key it names, and the refusal of an address others
// could reach without client certificates.
#include <gtest/gtest.h>

#include "config_test_support.h"

namespace cryftee {
namespace {

using testing::load;
using testing::load_error;
using testing::TempDir;

TEST(ConfigGrpcSigner, OffUnlessAnAddressIsSet) {
  EXPECT_FALSE(load().grpc_signer.enabled());
  EXPECT_EQ(load_error({"--grpc-signer-key", "bls-0123"}),
            "--grpc-signer-key: is set without --grpc-signer-addr/CRYFTEE_GRPC_SIGNER_ADDR (accepted: set both to "
            "serve the gRPC signer, or neither)");
}

TEST(ConfigGrpcSigner, UnixSocketInBothSpellings) {
  for (const std::string value : {"unix:/run/cryftee/signer.sock", "unix:///run/cryftee/signer.sock"}) {
    const auto config = load({"--grpc-signer-addr", value});
    ASSERT_TRUE(config.grpc_signer.unix_path) << value;
    EXPECT_EQ(*config.grpc_signer.unix_path, "/run/cryftee/signer.sock");
    EXPECT_FALSE(config.grpc_signer.address);
  }
  EXPECT_NE(load_error({"--grpc-signer-addr", "unix:relative.sock"}).find("is not an absolute socket path"), std::string::npos);
  EXPECT_NE(load_error({"--grpc-signer-addr", "unix:/" + std::string(200, 'a')}).find("is too long for a Unix socket"),
            std::string::npos);
  EXPECT_EQ(load_error({"--uds-path", "/run/cryftee/api.sock", "--grpc-signer-addr", "unix:/run/cryftee/api.sock"}),
            "--grpc-signer-addr: '/run/cryftee/api.sock' is the API's socket (accepted: another path)");
}

TEST(ConfigGrpcSigner, LoopbackAddressesAndTheKey) {
  for (const std::string value : {"127.0.0.1:7001", "127.8.9.10:7001", "[::1]:7001", "[::ffff:127.0.0.1]:7001"}) {
    const auto config = load({"--grpc-signer-addr", value, "--grpc-signer-key", " 0xabc "}, {});
    ASSERT_TRUE(config.grpc_signer.address) << value;
    EXPECT_EQ(config.grpc_signer.address->port, 7001);
    EXPECT_EQ(config.grpc_signer.key, "0xabc");
  }
  const auto from_environment = load({}, {{"CRYFTEE_GRPC_SIGNER_ADDR", "127.0.0.1:7002"}, {"CRYFTEE_GRPC_SIGNER_KEY", "bls-1"}});
  EXPECT_EQ(from_environment.grpc_signer.address->host, "127.0.0.1");
  EXPECT_EQ(from_environment.grpc_signer.key, "bls-1");
  EXPECT_NE(load_error({"--grpc-signer-addr", "localhost:7001"}).find("does not start with an IP address"), std::string::npos);
  EXPECT_NE(load_error({"--grpc-signer-addr", "127.0.0.1:7001", "--grpc-signer-key", " "}).find("is not a key reference"),
            std::string::npos);
}

TEST(ConfigGrpcSigner, OtherAddressesNeedMutualTls) {
  for (const std::string value : {"0.0.0.0:7001", "10.1.2.3:7001", "[::]:7001"}) {
    const auto message = load_error({"--grpc-signer-addr", value});
    EXPECT_NE(message.find("--grpc-signer-addr: '" + value + "' is not a loopback address, and AvalancheGo's signer "
                           "client sends no credentials (accepted: 127.0.0.1:PORT, [::1]:PORT or unix:PATH; or set "
                           "--tls-cert/CRYFTEE_TLS_CERT, --tls-key/CRYFTEE_TLS_KEY and --tls-client-ca/"
                           "CRYFTEE_TLS_CLIENT_CA"),
              std::string::npos)
        << message;
  }
  TempDir dir;
  const auto cert = dir.write("cert.pem", "-----BEGIN CERTIFICATE-----\n");
  const auto key = dir.write("key.pem", "-----BEGIN PRIVATE KEY-----\n");
  const auto ca = dir.write("ca.pem", "-----BEGIN CERTIFICATE-----\n");
  // A certificate without a client CA is not enough: the client must prove who it is.
  EXPECT_NE(load_error({"--grpc-signer-addr", "0.0.0.0:7001", "--tls-cert", cert, "--tls-key", key}).find("not a loopback"),
            std::string::npos);
  const auto config =
      load({"--grpc-signer-addr", "0.0.0.0:7001", "--tls-cert", cert, "--tls-key", key, "--tls-client-ca", ca});
  EXPECT_EQ(config.grpc_signer.address->host, "0.0.0.0");
}

}  // namespace
}  // namespace cryftee
