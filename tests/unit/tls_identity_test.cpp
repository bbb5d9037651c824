#include "crypto/tls_identity.h"

#include <gtest/gtest.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <sstream>

#include "crypto/node_id.h"
#include "key_test_support.h"

namespace cryftee::tls_identity {
namespace {

using Clock = std::chrono::system_clock;

struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
using X509Owner = std::unique_ptr<X509, X509Free>;

X509Owner parse(const Bytes& der) {
  const unsigned char* cursor = der.data();
  X509Owner cert(d2i_X509(nullptr, &cursor, static_cast<long>(der.size())));
  EXPECT_EQ(cursor, der.data() + der.size());
  return cert;
}

Clock::time_point utc(int year, int month, int day, int hour, int minute, int second) {
  std::tm calendar{};
  calendar.tm_year = year - 1900;
  calendar.tm_mon = month - 1;
  calendar.tm_mday = day;
  calendar.tm_hour = hour;
  calendar.tm_min = minute;
  calendar.tm_sec = second;
  return Clock::from_time_t(timegm(&calendar));
}

std::string asn1_time_text(const ASN1_TIME* time) {
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(time)),
                     static_cast<std::size_t>(ASN1_STRING_length(time)));
}

TEST(TlsIdentity, CertificateFollowsAvalancheGosTemplate) {
  const auto key = p256::PrivateKey::generate();
  const auto certificate = make_staking_certificate(key, utc(2026, 11, 25, 3, 4, 5) + std::chrono::milliseconds(678));
  auto cert = parse(certificate.der);
  ASSERT_TRUE(cert);

  EXPECT_EQ(X509_get_version(cert.get()), X509_VERSION_3);
  EXPECT_EQ(ASN1_INTEGER_get(X509_get0_serialNumber(cert.get())), 0);
  EXPECT_EQ(X509_NAME_entry_count(X509_get_subject_name(cert.get())), 0);
  EXPECT_EQ(X509_NAME_entry_count(X509_get_issuer_name(cert.get())), 0);
  EXPECT_EQ(X509_get_signature_nid(cert.get()), NID_ecdsa_with_SHA256);

  const ASN1_TIME* not_before = X509_get0_notBefore(cert.get());
  EXPECT_EQ(ASN1_STRING_type(not_before), V_ASN1_UTCTIME);
  EXPECT_EQ(asn1_time_text(not_before), "991231000000Z");
  const ASN1_TIME* not_after = X509_get0_notAfter(cert.get());
  EXPECT_EQ(ASN1_STRING_type(not_after), V_ASN1_GENERALIZEDTIME);
  EXPECT_EQ(asn1_time_text(not_after), "21261125030405Z");

  // Exactly two extensions, both critical, in Go's order: keyUsage, then basicConstraints with cA false.
  ASSERT_EQ(X509_get_ext_count(cert.get()), 2);
  X509_EXTENSION* key_usage = X509_get_ext(cert.get(), 0);
  X509_EXTENSION* basic_constraints = X509_get_ext(cert.get(), 1);
  EXPECT_EQ(OBJ_obj2nid(X509_EXTENSION_get_object(key_usage)), NID_key_usage);
  EXPECT_EQ(OBJ_obj2nid(X509_EXTENSION_get_object(basic_constraints)), NID_basic_constraints);
  EXPECT_EQ(X509_EXTENSION_get_critical(key_usage), 1);
  EXPECT_EQ(X509_EXTENSION_get_critical(basic_constraints), 1);
  EXPECT_EQ(X509_get_key_usage(cert.get()), static_cast<std::uint32_t>(KU_DIGITAL_SIGNATURE));
  // keyUsage as Go writes digitalSignature alone: BIT STRING 03 02 07 80.
  const ASN1_OCTET_STRING* key_usage_value = X509_EXTENSION_get_data(key_usage);
  EXPECT_EQ(Bytes(ASN1_STRING_get0_data(key_usage_value), ASN1_STRING_get0_data(key_usage_value) + 4),
            (Bytes{0x03, 0x02, 0x07, 0x80}));
  // basicConstraints with cA false and no path length: an empty SEQUENCE.
  const ASN1_OCTET_STRING* constraints_value = X509_EXTENSION_get_data(basic_constraints);
  EXPECT_EQ(Bytes(ASN1_STRING_get0_data(constraints_value),
                  ASN1_STRING_get0_data(constraints_value) + ASN1_STRING_length(constraints_value)),
            (Bytes{0x30, 0x00}));
  EXPECT_EQ(X509_check_ca(cert.get()), 0);

  // Self-signed by the key it certifies.
  EXPECT_EQ(X509_verify(cert.get(), key.native()), 1);
  EXPECT_EQ(EVP_PKEY_eq(X509_get0_pubkey(cert.get()), key.native()), 1);
}

TEST(TlsIdentity, ValidityEndsOneHundredCalendarYearsLater) {
  const auto key = p256::PrivateKey::generate();
  auto not_after_for = [&](Clock::time_point now) {
    auto cert = parse(make_staking_certificate(key, now).der);
    return asn1_time_text(X509_get0_notAfter(cert.get()));
  };
  EXPECT_EQ(not_after_for(utc(2028, 2, 29, 12, 0, 0)), "21280229120000Z");  // 2128 is a leap year
  EXPECT_EQ(not_after_for(utc(2000, 2, 29, 0, 0, 0)), "21000301000000Z");  // 2100 is not: normalised
}

TEST(TlsIdentity, PemCarriesExactlyTheDerBytes) {
  const auto key = p256::PrivateKey::generate();
  const auto certificate = make_staking_certificate(key);
  EXPECT_EQ(certificate.pem.rfind("-----BEGIN CERTIFICATE-----\n", 0), 0u);
  EXPECT_NE(certificate.pem.find("\n-----END CERTIFICATE-----\n"), std::string::npos);
  std::istringstream lines(certificate.pem);
  for (std::string line; std::getline(lines, line);) EXPECT_LE(line.size(), 64u) << line;

  const auto parsed = parse_certificate_pem(certificate.pem);
  EXPECT_EQ(parsed.der, certificate.der);
  EXPECT_EQ(parsed.pem, certificate.pem);
}

TEST(TlsIdentity, ParsingKeepsForeignCertificatesByteForByte) {
  const auto vectors = cryftee::testing::load_vectors("avalanche-local.json");
  const std::string pem = vectors["stakers"][0]["certificatePEM"];
  const auto certificate = parse_certificate_pem("some preamble\n" + pem);
  const auto reparsed = parse_certificate_pem(certificate.pem);
  EXPECT_EQ(reparsed.der, certificate.der);
  EXPECT_EQ(node_id_text(node_id_from_certificate(certificate.der)), vectors["stakers"][0]["nodeID"].get<std::string>());
}

TEST(TlsIdentity, RefusesTextThatIsNoCertificate) {
  EXPECT_CRYFTEE_ERROR(parse_certificate_pem(""), 400, "invalid_certificate");
  EXPECT_CRYFTEE_ERROR(parse_certificate_pem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), 400,
                       "invalid_certificate");
  const auto key = p256::PrivateKey::generate();
  std::string truncated = make_staking_certificate(key).pem;
  truncated.erase(40, 8);
  EXPECT_CRYFTEE_ERROR(parse_certificate_pem(truncated), 400, "invalid_certificate");
}

TEST(TlsIdentity, ChecksThatACertificateBelongsToTheKey) {
  const auto key = p256::PrivateKey::generate();
  const auto other_key = p256::PrivateKey::generate();
  const auto certificate = make_staking_certificate(key);
  EXPECT_NO_THROW(require_certificate_matches(certificate, key));
  EXPECT_CRYFTEE_ERROR(require_certificate_matches(certificate, other_key), 400, "certificate_key_mismatch");
}

}  // namespace
}  // namespace cryftee::tls_identity
