#include "grpc/signer_key.h"

#include <algorithm>

#include "util/encoding.h"
#include "util/error.h"

namespace cryftee::grpc_signer {
namespace {

bool names(const BlsKeyInfo& key, const std::string& reference) {
  if (key.handle == reference) return true;
  const std::optional<Bytes> public_key = decode_hex_or_base64(reference, bls::kPublicKeySize);
  return public_key && std::equal(public_key->begin(), public_key->end(), key.public_key.begin(), key.public_key.end());
}

std::string listed(const std::vector<BlsKeyInfo>& keys) {
  if (keys.empty()) return "none";
  std::string text;
  for (const BlsKeyInfo& key : keys) {
    if (!text.empty()) text += ", ";
    text += key.handle + " (0x" + hex_encode(key.public_key) + ")";
  }
  return text;
}

}  // namespace

BlsKeyInfo choose_signer_key(const std::vector<BlsKeyInfo>& held, const std::vector<std::string>& transient,
                             const std::optional<std::string>& named) {
  if (named) {
    const auto found = std::find_if(held.begin(), held.end(), [&](const BlsKeyInfo& key) { return names(key, *named); });
    if (found != held.end()) return *found;
    throw bad_request("--grpc-signer-key names no BLS key held at start (held: " + listed(held) +
                          "; name one of them by handle or public key)",
                      "grpc_signer_key_not_found");
  }
  std::vector<BlsKeyInfo> durable;
  std::copy_if(held.begin(), held.end(), std::back_inserter(durable), [&](const BlsKeyInfo& key) {
    return std::find(transient.begin(), transient.end(), key.handle) == transient.end();
  });
  if (durable.size() == 1) return durable.front();
  throw bad_request(std::string("the gRPC signer needs one BLS key and ") +
                        (durable.empty() ? "no durable BLS key is held at start" : "several durable BLS keys are held") +
                        " (held: " + listed(held) + "; choose one with --grpc-signer-key, or hand the daemon its key, e.g. " +
                        "with CRYFTEE_WEB3SIGNER_KEY_MATERIAL)",
                    "grpc_signer_key_ambiguous");
}

}  // namespace cryftee::grpc_signer
