#include "custody/key_handle.h"

#include "crypto/sha256.h"
#include "util/encoding.h"

namespace cryftee {
namespace {

std::string handle_for(std::string_view prefix, ByteView public_key) {
  const Sha256Digest digest = sha256(public_key);
  return std::string(prefix) + hex_encode(ByteView(digest.data(), kHandleDigestBytes));
}

}  // namespace

std::string bls_handle_for(const bls::PublicKey& public_key) { return handle_for(kBlsHandlePrefix, public_key); }

std::string tls_handle_for(const p256::PublicKey& public_key) { return handle_for(kTlsHandlePrefix, public_key); }

std::string quote_handle(std::string_view handle) {
  if (handle.size() <= kMaxQuotedHandleSize) return "'" + std::string(handle) + "'";
  return "'" + std::string(handle.substr(0, kMaxQuotedHandleSize)) + "...'";
}

}  // namespace cryftee
