#pragma once
// The trust file: which publishers' Ed25519 keys this node accepts module signatures from.
//
//   [[publishers]]
//   id = "cryftee-dev"
//   algo = "ed25519"
//   publicKey = "<base64 of the 32-byte key>"
//
// A file that is not TOML, has unknown top-level keys, a publisher without an id, or one id twice is
// refused as a whole. A publisher whose algo, key or fields are wrong is kept with a problem, so the
// modules it signed are listed as untrusted with that reason while the others still load.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/bytes.h"

namespace cryftee {

inline constexpr const char* kTrustAlgoEd25519 = "ed25519";

struct TrustedPublisher {
  std::string id;
  std::string algo;
  Bytes public_key;                    // 32 bytes when problem is empty
  std::optional<std::string> problem;  // why this publisher's signatures cannot be checked
};

struct TrustStore {
  std::vector<TrustedPublisher> publishers;

  const TrustedPublisher* find(std::string_view id) const;
};

// Throws cryftee::Error (400 "bad_trust_file") for problems of the file as a whole.
TrustStore parse_trust_file(const std::string& text);

// A trust file that trusts exactly one publisher, as `cryftee module keygen --trust-out` writes it.
std::string format_trust_file(const std::string& publisher_id, ByteView public_key);

// nullopt when `id` may name a publisher: 1 to 64 letters, digits, '_', '-' or '.'; otherwise why not.
std::optional<std::string> invalid_publisher_id_reason(std::string_view id);

}  // namespace cryftee
