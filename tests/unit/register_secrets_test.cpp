// needs_key_derivation: which register requests go to the key-derivation queue, and that a keystore the
// bounds refuse is answered at once instead of waiting there.
#include "api/register_secrets.h"

#include <gtest/gtest.h>

#include "crypto/eip2335.h"
#include "util/error.h"

namespace cryftee::api {
namespace {

nlohmann::json cheap_keystore() {
  Eip2335Options options;
  options.scrypt_n = 1 << 10;
  return eip2335_encrypt(Bytes(32, 1), Bytes(48, 2), "pw", options);
}

std::string refusal(const nlohmann::json& body) {
  try {
    needs_key_derivation("bls_register", body);
  } catch (const Error& error) {
    return std::to_string(error.status()) + " " + error.code();
  }
  return "";
}

TEST(NeedsKeyDerivation, KeystoreImportsAndPersistentKeysDeriveOthersDoNot) {
  EXPECT_TRUE(needs_key_derivation("bls_register", {{"mode", "import"}, {"keystore", cheap_keystore()}, {"password", "pw"}}));
  EXPECT_TRUE(needs_key_derivation("bls_register", {{"mode", "import"}, {"keystore", cheap_keystore().dump()}, {"password", "pw"}}));
  EXPECT_TRUE(needs_key_derivation("bls_register", {{"mode", "persistent"}}));
  EXPECT_FALSE(needs_key_derivation("bls_register", {{"mode", "generate"}}));
  EXPECT_FALSE(needs_key_derivation("bls_register", {{"mode", "ephemeral"}, {"ephemeralKeyB64", "AA=="}}));
  EXPECT_FALSE(needs_key_derivation("tls_register", {{"mode", "import"}, {"keystore", cheap_keystore()}}));
}

TEST(NeedsKeyDerivation, RefusesAKeystoreBeyondTheBoundsAtOnce) {
  nlohmann::json bomb = cheap_keystore();
  bomb["crypto"]["kdf"]["params"]["n"] = 32768;
  bomb["crypto"]["kdf"]["params"]["r"] = 1;
  bomb["crypto"]["kdf"]["params"]["p"] = 1 << 21;
  EXPECT_EQ(refusal({{"mode", "import"}, {"keystore", bomb}, {"password", "pw"}}), "400 invalid_keystore");
  EXPECT_EQ(refusal({{"mode", "import"}, {"keystore", cheap_keystore()}}), "400 missing_field");
  EXPECT_EQ(refusal({{"mode", "import"}, {"keystore", "not json"}, {"password", "pw"}}), "400 invalid_keystore");
}

}  // namespace
}  // namespace cryftee::api
