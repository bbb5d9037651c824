#pragma once
// The node's TLS staking certificate, built the way AvalancheGo's staking package builds one
// (staking.NewCertAndKeyBytes: an ECDSA P-256 key and x509.CreateCertificate with the key as its own
// issuer). The node ID peers derive from it is in crypto/node_id.h.
//
// Certificate template (X.509 v3, DER; field by field what Go's encoder writes for that template):
//   serialNumber        0
//   signature           ecdsa-with-SHA256 (1.2.840.10045.4.3.2), no parameters
//   issuer, subject     empty names (an empty SEQUENCE)
//   notBefore           1999-12-31T00:00:00Z (Go's time.Date(2000, January, 0, ...)), UTCTime
//   notAfter            the moment of creation plus 100 calendar years, whole seconds, GeneralizedTime
//   subjectPublicKeyInfo  id-ecPublicKey with the named curve prime256v1, uncompressed point
//   extensions, in this order:
//     keyUsage          critical, digitalSignature only
//     basicConstraints  critical, cA FALSE (an empty SEQUENCE), no path length
// PEM is "-----BEGIN CERTIFICATE-----", base64 in 64-character lines, as Go's pem.Encode writes it.
#include <chrono>
#include <string>
#include <string_view>

#include "crypto/p256.h"
#include "util/bytes.h"

namespace cryftee::tls_identity {

inline constexpr int kValidityYears = 100;
// 1999-12-31T00:00:00Z as seconds since the Unix epoch.
inline constexpr std::int64_t kNotBeforeUnixSeconds = 946'598'400;

struct Certificate {
  Bytes der;        // exactly the bytes the node ID is derived from
  std::string pem;  // one "CERTIFICATE" block
};

Certificate make_staking_certificate(const p256::PrivateKey& key,
                                     std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// Reads the first CERTIFICATE block of a PEM text, keeping its DER bytes exactly as given. Throws
// cryftee::Error 400 invalid_certificate when there is none or it does not parse as X.509.
Certificate parse_certificate_pem(std::string_view pem);

// Throws cryftee::Error 400 certificate_key_mismatch when the certificate's public key is not the key's.
void require_certificate_matches(const Certificate& certificate, const p256::PrivateKey& key);

}  // namespace cryftee::tls_identity
