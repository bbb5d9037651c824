// Feeds arbitrary bytes to every parser of key material a client can reach: BLS public keys and
// signatures, P-256 public keys and PEM private keys, certificates, base58/CB58 and node IDs. None may
// crash, and whatever they accept must round-trip.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "crypto/bls.h"
#include "crypto/node_id.h"
#include "crypto/p256.h"
#include "crypto/tls_identity.h"
#include "util/error.h"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cryftee;
  const ByteView bytes(data, size);
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  bls::is_valid_public_key(bytes);
  if (size >= bls::kPublicKeySize + bls::kSignatureSize) {
    bls::verify(bytes.first(bls::kPublicKeySize), bytes.subspan(bls::kPublicKeySize + bls::kSignatureSize),
                bytes.subspan(bls::kPublicKeySize, bls::kSignatureSize), bls::Dst::Signature);
  }
  if (auto point = p256::normalize_public_key(bytes)) require(p256::normalize_public_key(*point) == point);

  if (auto decoded = base58_decode(text)) require(base58_decode(base58_encode(*decoded)) == decoded);
  if (auto decoded = cb58_decode(text)) require(cb58_decode(cb58_encode(*decoded)) == decoded);
  if (auto node_id = parse_node_id(text)) require(node_id_text(*node_id) == text);

  try {
    const auto certificate = tls_identity::parse_certificate_pem(text);
    require(tls_identity::parse_certificate_pem(certificate.pem).der == certificate.der);
  } catch (const Error&) {
  }
  try {
    p256::PrivateKey::from_pem(text);
  } catch (const Error&) {
  }
  return 0;
}
