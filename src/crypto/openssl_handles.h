#pragma once
// Owning handles for the OpenSSL objects the key cryptography uses, so every exit path frees them.
#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>

namespace cryftee::openssl {

template <auto Free>
struct Deleter {
  template <typename T>
  void operator()(T* object) const noexcept {
    Free(object);
  }
};

using Bio = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
using EcPoint = std::unique_ptr<EC_POINT, Deleter<EC_POINT_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using X509ExtensionPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;
using X509NamePtr = std::unique_ptr<X509_NAME, Deleter<X509_NAME_free>>;

// A read-only memory BIO over text that must outlive it.
inline Bio memory_bio(const void* data, std::size_t size) {
  return Bio(BIO_new_mem_buf(data, static_cast<int>(size)));
}

// Drops queued OpenSSL errors after a failure we report ourselves, so they do not surface in a later,
// unrelated call on this thread.
inline void clear_errors() noexcept { ERR_clear_error(); }

}  // namespace cryftee::openssl
