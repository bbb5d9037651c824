#include "crypto/sha256.h"

#include <openssl/evp.h>

#include <fstream>
#include <memory>

#include "util/encoding.h"
#include "util/error.h"

namespace cryftee {

Sha256Digest sha256(ByteView data) {
  Sha256Digest digest{};
  EVP_Digest(data.data(), data.size(), digest.data(), nullptr, EVP_sha256(), nullptr);
  return digest;
}

std::string sha256_tagged(ByteView data) { return "sha256:" + hex_encode(sha256(data)); }

Sha256Digest sha256_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw internal_error("cannot read " + path.string(), "file_unreadable");
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  char buffer[1 << 16];
  while (in) {
    in.read(buffer, sizeof buffer);
    EVP_DigestUpdate(ctx.get(), buffer, static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) throw internal_error("error while reading " + path.string(), "file_unreadable");
  Sha256Digest digest{};
  EVP_DigestFinal_ex(ctx.get(), digest.data(), nullptr);
  return digest;
}

}  // namespace cryftee
