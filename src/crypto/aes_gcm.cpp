#include "crypto/aes_gcm.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

#include "util/error.h"

namespace cryftee::aes_gcm {
namespace {

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

CipherCtx new_context() { return CipherCtx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free); }

}  // namespace

Bytes seal(ByteView key, ByteView plaintext) {
  if (key.size() != kKeySize) throw internal_error("an AES-256-GCM key has 32 bytes");
  Bytes sealed(kNonceSize + plaintext.size() + kTagSize);
  std::uint8_t* nonce = sealed.data();
  std::uint8_t* ciphertext = nonce + kNonceSize;
  std::uint8_t* tag = ciphertext + plaintext.size();
  CipherCtx ctx = new_context();
  int written = 0;
  int final_written = 0;
  const bool ok = ctx && RAND_bytes(nonce, kNonceSize) == 1 &&
                  EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), nonce) == 1 &&
                  EVP_EncryptUpdate(ctx.get(), ciphertext, &written, plaintext.data(),
                                    static_cast<int>(plaintext.size())) == 1 &&
                  EVP_EncryptFinal_ex(ctx.get(), ciphertext + written, &final_written) == 1 &&
                  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagSize, tag) == 1;
  if (!ok) throw internal_error("AES-256-GCM failed inside OpenSSL");
  return sealed;
}

std::optional<Bytes> open(ByteView key, ByteView sealed) {
  if (key.size() != kKeySize || sealed.size() < kNonceSize + kTagSize) return std::nullopt;
  const ByteView nonce = sealed.first(kNonceSize);
  const ByteView ciphertext = sealed.subspan(kNonceSize, sealed.size() - kNonceSize - kTagSize);
  Bytes tag(sealed.end() - kTagSize, sealed.end());
  Bytes plaintext(ciphertext.size());
  CipherCtx ctx = new_context();
  int written = 0;
  int final_written = 0;
  const bool opened = ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), nonce.data()) == 1 &&
                      EVP_DecryptUpdate(ctx.get(), plaintext.data(), &written, ciphertext.data(),
                                        static_cast<int>(ciphertext.size())) == 1 &&
                      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, tag.data()) == 1 &&
                      EVP_DecryptFinal_ex(ctx.get(), plaintext.data() + written, &final_written) == 1;
  if (!opened) {
    secure_zero(plaintext);
    return std::nullopt;
  }
  return plaintext;
}

}  // namespace cryftee::aes_gcm
