#include "crypto/ed25519.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>

#include "util/error.h"

namespace cryftee {
namespace {

using PkeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;
using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;

// A PKCS#8 Ed25519 PEM is about 120 bytes; anything far larger is not one.
constexpr std::size_t kMaxPemBytes = 16 << 10;

PkeyPtr private_key_from_seed(ByteView seed) {
  if (seed.size() != kEd25519SeedSize) {
    throw internal_error("an Ed25519 private key must be " + std::to_string(kEd25519SeedSize) + " bytes",
                         "bad_ed25519_key");
  }
  PkeyPtr key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()), EVP_PKEY_free);
  if (!key) throw internal_error("OpenSSL could not load an Ed25519 private key", "crypto_failure");
  return key;
}

Bytes raw_public_key(EVP_PKEY* key) {
  Bytes public_key(kEd25519PublicKeySize);
  std::size_t size = public_key.size();
  if (EVP_PKEY_get_raw_public_key(key, public_key.data(), &size) != 1 || size != kEd25519PublicKeySize) {
    throw internal_error("OpenSSL could not derive an Ed25519 public key", "crypto_failure");
  }
  return public_key;
}

// Writes the whole buffer to a file created for the owner alone; the mode is set at creation so the
// key is never readable by others, not even briefly.
void write_owner_only(const std::filesystem::path& path, const char* data, std::size_t size) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw internal_error("cannot create " + path.string() + ": " + std::strerror(errno), "file_unwritable");
  }
  ::fchmod(fd, 0600);  // an existing file keeps its old mode under O_CREAT
  std::size_t written = 0;
  while (written < size) {
    const ssize_t n = ::write(fd, data + written, size - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string reason = std::strerror(errno);
      ::close(fd);
      throw internal_error("cannot write " + path.string() + ": " + reason, "file_unwritable");
    }
    written += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) {
    throw internal_error("cannot write " + path.string() + ": " + std::strerror(errno), "file_unwritable");
  }
}

}  // namespace

Ed25519KeyPair ed25519_generate() {
  Ed25519KeyPair pair;
  pair.seed.resize(kEd25519SeedSize);
  if (RAND_bytes(pair.seed.data(), static_cast<int>(pair.seed.size())) != 1) {
    throw internal_error("the system random generator failed; no key was generated", "crypto_failure");
  }
  pair.public_key = ed25519_public_key(pair.seed);
  return pair;
}

Bytes ed25519_public_key(ByteView seed) { return raw_public_key(private_key_from_seed(seed).get()); }

Bytes ed25519_sign(ByteView seed, ByteView message) {
  PkeyPtr key = private_key_from_seed(seed);
  MdCtxPtr ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  Bytes signature(kEd25519SignatureSize);
  std::size_t size = signature.size();
  // Ed25519 is a one-shot scheme: no digest is named, the whole message goes to DigestSign.
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), signature.data(), &size, message.data(), message.size()) != 1 ||
      size != kEd25519SignatureSize) {
    throw internal_error("OpenSSL could not make an Ed25519 signature", "crypto_failure");
  }
  return signature;
}

bool ed25519_verify(ByteView public_key, ByteView message, ByteView signature) {
  if (public_key.size() != kEd25519PublicKeySize || signature.size() != kEd25519SignatureSize) return false;
  PkeyPtr key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, public_key.data(), public_key.size()),
              EVP_PKEY_free);
  if (!key) return false;
  MdCtxPtr ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1) return false;
  return EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(), message.size()) == 1;
}

void ed25519_write_private_pem(const std::filesystem::path& path, ByteView seed) {
  PkeyPtr key = private_key_from_seed(seed);
  // Secure-heap memory BIO: the PEM text is key material and is cleansed when freed.
  BioPtr bio(BIO_new(BIO_s_secmem()), BIO_free);
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    throw internal_error("OpenSSL could not encode the Ed25519 key as PEM", "crypto_failure");
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  write_owner_only(path, data, static_cast<std::size_t>(size));
}

Ed25519KeyPair ed25519_read_private_pem(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw internal_error("cannot read the private key file " + path.string(), "key_file_unreadable");
  const auto size_on_disk = static_cast<std::size_t>(in.tellg());
  if (size_on_disk > kMaxPemBytes) {
    throw bad_request(path.string() + " is too large to be an Ed25519 PEM key", "bad_key_file");
  }
  // Read into a buffer sized once, so no reallocation leaves a copy of the key behind.
  std::string pem(size_on_disk, '\0');
  in.seekg(0);
  in.read(pem.data(), static_cast<std::streamsize>(pem.size()));
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  PkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr, EVP_PKEY_free);
  secure_zero(pem);
  if (!key) {
    throw bad_request(path.string() + " is not a PEM private key; create one with `cryftee module keygen`",
                      "bad_key_file");
  }
  if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_ED25519) {
    throw bad_request(path.string() + " holds a private key that is not Ed25519", "bad_key_file");
  }
  Ed25519KeyPair pair;
  pair.seed.resize(kEd25519SeedSize);
  std::size_t size = pair.seed.size();
  if (EVP_PKEY_get_raw_private_key(key.get(), pair.seed.data(), &size) != 1 || size != kEd25519SeedSize) {
    secure_zero(pair.seed);
    throw internal_error("OpenSSL could not read the Ed25519 key in " + path.string(), "crypto_failure");
  }
  pair.public_key = raw_public_key(key.get());
  return pair;
}

}  // namespace cryftee
