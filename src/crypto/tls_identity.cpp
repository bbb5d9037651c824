#include "crypto/tls_identity.h"

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <ctime>

#include "crypto/openssl_handles.h"
#include "util/error.h"

namespace cryftee::tls_identity {
namespace {

Error certificate_failure(const char* step) {
  openssl::clear_errors();
  return internal_error(std::string("building the TLS staking certificate failed at: ") + step,
                        "certificate_failure");
}

// Go's time.AddDate(100, 0, 0): same month, day and time of day, 100 years later (normalised like timegm).
std::time_t years_later(std::chrono::system_clock::time_point now, int years) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  std::tm calendar{};
  gmtime_r(&seconds, &calendar);
  calendar.tm_year += years;
  return timegm(&calendar);
}

void add_extension(X509* cert, int nid, const char* value) {
  openssl::X509ExtensionPtr extension(X509V3_EXT_nconf_nid(nullptr, nullptr, nid, value));
  if (!extension || X509_add_ext(cert, extension.get(), -1) != 1) throw certificate_failure("extensions");
}

Bytes der_of(X509* cert) {
  const int size = i2d_X509(cert, nullptr);
  if (size <= 0) throw certificate_failure("DER encoding");
  Bytes der(static_cast<std::size_t>(size));
  unsigned char* cursor = der.data();
  i2d_X509(cert, &cursor);
  return der;
}

// PEM straight from the DER bytes, so the text always carries exactly the bytes the node ID hashes.
std::string pem_of(const Bytes& der) {
  openssl::Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio(bio.get(), PEM_STRING_X509, "", der.data(), static_cast<long>(der.size())) <= 0) {
    throw certificate_failure("PEM encoding");
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

Error invalid_certificate(const char* why) {
  openssl::clear_errors();
  return bad_request(std::string("the TLS certificate ") + why +
                         "; give the PEM (\"BEGIN CERTIFICATE\") of an X.509 certificate",
                     "invalid_certificate");
}

openssl::X509Ptr parse_der(ByteView der) {
  const unsigned char* cursor = der.data();
  openssl::X509Ptr cert(d2i_X509(nullptr, &cursor, static_cast<long>(der.size())));
  if (!cert || cursor != der.data() + der.size()) throw invalid_certificate("is not a valid DER certificate");
  return cert;
}

}  // namespace

Certificate make_staking_certificate(const p256::PrivateKey& key, std::chrono::system_clock::time_point now) {
  openssl::X509Ptr cert(X509_new());
  if (!cert) throw certificate_failure("allocation");
  openssl::X509NamePtr empty_name(X509_NAME_new());
  if (!empty_name || X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
      ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 0) != 1 ||
      X509_set_issuer_name(cert.get(), empty_name.get()) != 1 ||
      X509_set_subject_name(cert.get(), empty_name.get()) != 1) {
    throw certificate_failure("names and serial");
  }
  // ASN1_TIME_set picks UTCTime before 2050 and GeneralizedTime from 2050 on, as Go does.
  if (!ASN1_TIME_set(X509_getm_notBefore(cert.get()), static_cast<std::time_t>(kNotBeforeUnixSeconds)) ||
      !ASN1_TIME_set(X509_getm_notAfter(cert.get()), years_later(now, kValidityYears))) {
    throw certificate_failure("validity");
  }
  if (X509_set_pubkey(cert.get(), key.native()) != 1) throw certificate_failure("public key");
  add_extension(cert.get(), NID_key_usage, "critical,digitalSignature");
  add_extension(cert.get(), NID_basic_constraints, "critical,CA:FALSE");
  if (X509_sign(cert.get(), key.native(), EVP_sha256()) <= 0) throw certificate_failure("signing");
  Bytes der = der_of(cert.get());
  std::string pem = pem_of(der);
  return Certificate{std::move(der), std::move(pem)};
}

Certificate parse_certificate_pem(std::string_view pem) {
  auto bio = openssl::memory_bio(pem.data(), pem.size());
  unsigned char* data = nullptr;
  long size = 0;
  char* name = nullptr;
  // Reads the block's raw bytes rather than re-encoding a parsed certificate: the node ID hashes them.
  if (!bio || PEM_bytes_read_bio(&data, &size, &name, PEM_STRING_X509, bio.get(), nullptr, nullptr) != 1) {
    throw invalid_certificate("has no CERTIFICATE PEM block");
  }
  Bytes der(data, data + size);
  OPENSSL_free(data);
  OPENSSL_free(name);
  parse_der(der);
  std::string normalized_pem = pem_of(der);
  return Certificate{std::move(der), std::move(normalized_pem)};
}

void require_certificate_matches(const Certificate& certificate, const p256::PrivateKey& key) {
  auto cert = parse_der(certificate.der);
  if (X509_check_private_key(cert.get(), key.native()) != 1) {
    openssl::clear_errors();
    throw bad_request("the TLS certificate does not belong to the given private key; give the pair together",
                      "certificate_key_mismatch");
  }
}

}  // namespace cryftee::tls_identity
