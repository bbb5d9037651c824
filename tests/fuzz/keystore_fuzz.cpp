// Fuzzes the EIP-2335 keystore path a `bls/register` import runs: password normalisation (NFKD and
// control characters, through ICU), the keystore's structure, KDF parameters, checksum and cipher, and
// its "pubkey". Input: one byte n, then n bytes of password (fewer when the input is shorter), then the
// keystore's JSON text. Parsers may throw cryftee::Error; anything else is a bug. What decrypts must
// decrypt again to the same secret after re-encryption under the same password.
//
// The fuzzer explores parsing, not the KDF's cost: a keystore whose KDF work is above kMaxFuzzWork skips
// the derivation (bounds on that work are unit-tested in eip2335_test.cpp). Run longer with:
//   build/tests/keystore_fuzz -max_total_time=600 build/fuzz-corpus/keystore_fuzz tests/fuzz/corpus/keystore_fuzz
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "crypto/eip2335.h"
#include "util/error.h"

namespace {

using namespace cryftee;

constexpr std::uint64_t kMaxFuzzWork = 1 << 12;  // scrypt n * r * p, or pbkdf2 c

std::uint64_t number_or_zero(const nlohmann::json& params, const char* key) {
  const auto it = params.find(key);
  return it != params.end() && it->is_number_unsigned() ? it->get<std::uint64_t>() : 0;
}

// Saturating n * r * p (scrypt) or c (pbkdf2), as far as the keystore says; 0 when it says nothing usable.
std::uint64_t kdf_work(const nlohmann::json& keystore) {
  const nlohmann::json* node = &keystore;
  for (const char* key : {"crypto", "kdf", "params"}) {
    if (!node->is_object() || !node->contains(key)) return 0;
    node = &(*node)[key];
  }
  if (!node->is_object()) return 0;
  std::uint64_t scrypt = 1;
  for (const char* key : {"n", "r", "p"}) {
    const std::uint64_t factor = number_or_zero(*node, key);
    scrypt = factor != 0 && scrypt > UINT64_MAX / factor ? UINT64_MAX : scrypt * factor;
  }
  return std::max(number_or_zero(*node, "c"), scrypt);
}

void require(bool condition) {
  if (!condition) std::abort();
}

void fuzz_decrypt(const nlohmann::json& keystore, std::string_view password) {
  Bytes secret = eip2335_decrypt(keystore, password);
  require(secret.size() == kEip2335SecretSize);
  Eip2335Options cheap;
  cheap.kdf = Eip2335Kdf::Pbkdf2;
  cheap.pbkdf2_iterations = 1;
  const Bytes public_key(48, 0x5a);  // written as "pubkey" only; not checked against the secret here
  const nlohmann::json again = eip2335_encrypt(secret, public_key, password, cheap);
  require(eip2335_decrypt(again, password) == secret);
  require(eip2335_public_key(again) == public_key);
  secure_zero(secret);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t password_size = std::min<std::size_t>(data[0], size - 1);
  const std::string_view password(reinterpret_cast<const char*>(data) + 1, password_size);
  const std::string_view text(reinterpret_cast<const char*>(data) + 1 + password_size, size - 1 - password_size);

  try {
    std::string normalized = eip2335_normalize_password(password);
    secure_zero(normalized);
  } catch (const Error&) {
  }
  const nlohmann::json keystore = nlohmann::json::parse(text, nullptr, false);
  if (keystore.is_discarded()) return 0;
  try {
    eip2335_public_key(keystore);
  } catch (const Error&) {
  }
  if (kdf_work(keystore) > kMaxFuzzWork) return 0;
  try {
    fuzz_decrypt(keystore, password);
  } catch (const Error&) {
    // A refused keystore or a wrong password, as intended.
  }
  return 0;
}
