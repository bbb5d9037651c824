#pragma once
// Key handles: "bls-" / "tls-" + hex of the first kHandleDigestBytes of SHA-256(public key). Derived from
// public data only, so any backend gives the same key the same handle and a handle reveals no secret.
#include <string>
#include <string_view>

#include "crypto/bls.h"
#include "crypto/p256.h"

namespace cryftee {

inline constexpr std::string_view kBlsHandlePrefix = "bls-";
inline constexpr std::string_view kTlsHandlePrefix = "tls-";
inline constexpr std::size_t kHandleDigestBytes = 16;
// Handles quoted in error messages are cut to this length: a client may send anything as a handle.
inline constexpr std::size_t kMaxQuotedHandleSize = 80;

std::string bls_handle_for(const bls::PublicKey& public_key);
std::string tls_handle_for(const p256::PublicKey& public_key);
// The handle as it may appear in an error message.
std::string quote_handle(std::string_view handle);

}  // namespace cryftee
