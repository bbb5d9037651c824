#include "crypto/eip2335.h"

#include <gtest/gtest.h>

#include <fstream>

#include "util/encoding.h"
#include "util/error.h"

namespace cryftee {
namespace {

nlohmann::json vectors() {
  std::ifstream in(std::string(CRYFTEE_VECTORS_DIR) + "/eip2335.json");
  return nlohmann::json::parse(in);
}

Bytes vector_secret() { return *hex_decode(vectors()["secret"].get<std::string>()); }

// Cheap parameters so round trips run in milliseconds; the vectors cover the standard costs.
Eip2335Options fast(Eip2335Kdf kdf) {
  Eip2335Options options;
  options.kdf = kdf;
  options.scrypt_n = 1 << 10;
  options.pbkdf2_iterations = 1000;
  options.path = "m/12381/60/0/0";
  return options;
}

std::string error_code_of(const std::function<void()>& action, std::string* message = nullptr) {
  try {
    action();
  } catch (const Error& error) {
    if (message) *message = error.what();
    return error.code();
  }
  return "";
}

TEST(Eip2335Password, NormalisesTheVectorPasswordWithNfkd) {
  const auto v = vectors();
  EXPECT_EQ(eip2335_normalize_password(v["password"].get<std::string>()),
            v["passwordAfterNormalisation"].get<std::string>());
}

TEST(Eip2335Password, RemovesC0C1AndDelButKeepsOtherText) {
  // "a" NUL "b" DEL "c" U+0085 (C1) "d" U+00A0 (NBSP, NFKD gives a space) "é" (decomposed by NFKD).
  const std::string input = std::string("a\0b\x7F" "c\xC2\x85" "d\xC2\xA0\xC3\xA9", 12);
  EXPECT_EQ(eip2335_normalize_password(input), std::string("abcd e\xCC\x81"));
  EXPECT_EQ(eip2335_normalize_password("\xF0\x9F\x94\x91"), "\xF0\x9F\x94\x91");  // U+1F511 stays
}

TEST(Eip2335Password, RejectsInvalidUtf8) {
  EXPECT_EQ(error_code_of([] { eip2335_normalize_password("\xC3\x28"); }), "invalid_password");
}

TEST(Eip2335Vectors, BothKeystoresDecryptToTheSecret) {
  const auto v = vectors();
  for (const char* kind : {"scrypt", "pbkdf2"}) {
    Bytes secret = eip2335_decrypt(v["keystores"][kind], v["password"].get<std::string>());
    EXPECT_EQ(hex_encode(secret), v["secret"].get<std::string>()) << kind;
    secure_zero(secret);
    EXPECT_EQ(hex_encode(eip2335_public_key(v["keystores"][kind])), v["keystores"][kind]["pubkey"].get<std::string>());
  }
}

TEST(Eip2335Vectors, WrongPasswordIsRejectedWithoutNamingIt) {
  const auto v = vectors();
  std::string message;
  const std::string wrong = "not-the-password-4711";
  auto code = error_code_of([&] { eip2335_decrypt(v["keystores"]["pbkdf2"], wrong); }, &message);
  EXPECT_EQ(code, "wrong_password");
  EXPECT_EQ(message.find(wrong), std::string::npos);
  EXPECT_EQ(message.find(v["secret"].get<std::string>()), std::string::npos);
  try {
    eip2335_decrypt(v["keystores"]["pbkdf2"], wrong);
  } catch (const Error& error) {
    EXPECT_EQ(error.status(), 400);
  }
}

TEST(Eip2335RoundTrip, EncryptsAndDecryptsWithBothKdfs) {
  const auto v = vectors();
  const Bytes secret = vector_secret();
  const Bytes pubkey = *hex_decode(v["keystores"]["scrypt"]["pubkey"].get<std::string>());
  for (auto kdf : {Eip2335Kdf::Scrypt, Eip2335Kdf::Pbkdf2}) {
    const auto keystore = eip2335_encrypt(secret, pubkey, "correct horse\x01", fast(kdf));
    EXPECT_EQ(keystore["version"], 4);
    EXPECT_EQ(keystore["pubkey"], v["keystores"]["scrypt"]["pubkey"]);
    EXPECT_EQ(keystore["path"], "m/12381/60/0/0");
    EXPECT_EQ(keystore["uuid"].get<std::string>().size(), 36u);
    EXPECT_EQ(keystore["uuid"].get<std::string>()[14], '4');
    EXPECT_EQ(keystore["crypto"]["kdf"]["function"], kdf == Eip2335Kdf::Scrypt ? "scrypt" : "pbkdf2");
    // The control character is removed by normalisation, so the password without it unlocks it too.
    EXPECT_EQ(eip2335_decrypt(keystore, "correct horse\x01"), secret);
    EXPECT_EQ(eip2335_decrypt(keystore, "correct horse"), secret);
    EXPECT_EQ(error_code_of([&] { eip2335_decrypt(keystore, "correct horsf"); }), "wrong_password");
  }
}

TEST(Eip2335RoundTrip, FreshSaltIvAndUuidEveryTime) {
  const Bytes secret = vector_secret();
  const Bytes pubkey(48, 0xAB);
  const auto a = eip2335_encrypt(secret, pubkey, "pw", fast(Eip2335Kdf::Pbkdf2));
  const auto b = eip2335_encrypt(secret, pubkey, "pw", fast(Eip2335Kdf::Pbkdf2));
  EXPECT_NE(a["crypto"]["kdf"]["params"]["salt"], b["crypto"]["kdf"]["params"]["salt"]);
  EXPECT_NE(a["crypto"]["cipher"]["params"]["iv"], b["crypto"]["cipher"]["params"]["iv"]);
  EXPECT_NE(a["crypto"]["cipher"]["message"], b["crypto"]["cipher"]["message"]);
  EXPECT_NE(a["uuid"], b["uuid"]);
}

TEST(Eip2335Decrypt, RejectsMalformedAndExcessiveKeystores) {
  const auto good = eip2335_encrypt(vector_secret(), Bytes(48, 1), "pw", fast(Eip2335Kdf::Scrypt));
  auto mutate = [&](const std::function<void(nlohmann::json&)>& change) {
    nlohmann::json copy = good;
    change(copy);
    return error_code_of([&] { eip2335_decrypt(copy, "pw"); });
  };
  EXPECT_EQ(mutate([](auto& k) { k["version"] = 3; }), "invalid_keystore");
  EXPECT_EQ(mutate([](auto& k) { k["crypto"].erase("checksum"); }), "invalid_keystore");
  EXPECT_EQ(mutate([](auto& k) { k["crypto"]["kdf"]["function"] = "argon2"; }), "invalid_keystore");
  EXPECT_EQ(mutate([](auto& k) { k["crypto"]["cipher"]["function"] = "aes-256-gcm"; }), "invalid_keystore");
  EXPECT_EQ(mutate([](auto& k) { k["crypto"]["cipher"]["params"]["iv"] = "zz"; }), "invalid_keystore");
  EXPECT_EQ(mutate([](auto& k) { k["crypto"]["kdf"]["params"]["n"] = 1000; }), "invalid_keystore");
  EXPECT_EQ(mutate([](auto& k) { k["crypto"]["kdf"]["params"]["n"] = 1ull << 30; }), "invalid_keystore");
  EXPECT_EQ(mutate([](auto& k) { k["crypto"]["kdf"]["params"]["dklen"] = 64; }), "invalid_keystore");
  EXPECT_EQ(mutate([](auto& k) { k["crypto"]["checksum"]["message"] = std::string(64, '0'); }), "wrong_password");
  EXPECT_EQ(error_code_of([] { eip2335_decrypt(nlohmann::json::array(), "pw"); }), "invalid_keystore");
}

// Issue #12: parameters that fit the memory bound but not a time bound ran for hours; parameters OpenSSL
// refuses were a 500. Each is now an invalid_keystore (400), found before any derivation starts.
TEST(Eip2335Decrypt, RefusesKdfWorkBeyondTheBoundsAndParametersOpenSslRefuses) {
  const auto good = eip2335_encrypt(vector_secret(), Bytes(48, 1), "pw", fast(Eip2335Kdf::Scrypt));
  auto scrypt = [&](std::uint64_t n, std::uint64_t r, std::uint64_t p) {
    nlohmann::json copy = good;
    copy["crypto"]["kdf"]["params"]["n"] = n;
    copy["crypto"]["kdf"]["params"]["r"] = r;
    copy["crypto"]["kdf"]["params"]["p"] = p;
    std::string check = error_code_of([&] { eip2335_check(copy); });
    std::string decrypt = error_code_of([&] { eip2335_decrypt(copy, "pw"); });
    // The cheap check refuses exactly what decryption refuses before deriving ("" when it derives).
    EXPECT_EQ(check, decrypt == "wrong_password" ? "" : decrypt);
    return decrypt;
  };
  EXPECT_EQ(scrypt(32768, 1, 1ull << 21), "invalid_keystore");  // the CPU bomb from the issue
  EXPECT_EQ(scrypt(1ull << 18, 8, 4), "invalid_keystore");      // 8x the EIP default's work
  EXPECT_EQ(scrypt(1ull << 17, 1, 1), "invalid_keystore");      // OpenSSL: n >= 2^(16 r)
  EXPECT_EQ(scrypt(1ull << 12, 1, 4), "wrong_password");        // allowed: derives, then checks the password

  nlohmann::json pbkdf2 = eip2335_encrypt(vector_secret(), Bytes(48, 1), "pw", fast(Eip2335Kdf::Pbkdf2));
  pbkdf2["crypto"]["kdf"]["params"]["c"] = 10'000'000;
  EXPECT_EQ(error_code_of([&] { eip2335_decrypt(pbkdf2, "pw"); }), "invalid_keystore");
  EXPECT_EQ(error_code_of([&] { eip2335_check(pbkdf2); }), "invalid_keystore");
}

TEST(Eip2335Decrypt, TheBoundsAdmitTheStandardParameters) {
  // The vectors use the EIP's defaults (scrypt n = 2^18, r = 8, p = 1; pbkdf2 c = 2^18).
  const auto v = vectors();
  for (const char* kind : {"scrypt", "pbkdf2"}) EXPECT_NO_THROW(eip2335_check(v["keystores"][kind])) << kind;
  EXPECT_LE((1ull << 18) * 8 * 1, kEip2335MaxScryptWork);
  EXPECT_LE(1ull << 18, kEip2335MaxPbkdf2Iterations);
}

TEST(Eip2335Encrypt, RejectsWrongSizes) {
  EXPECT_EQ(error_code_of([] { eip2335_encrypt(Bytes(31, 1), Bytes(48, 1), "pw"); }), "invalid_secret");
  EXPECT_EQ(error_code_of([] { eip2335_encrypt(Bytes(32, 1), Bytes(47, 1), "pw"); }), "invalid_public_key");
}

}  // namespace
}  // namespace cryftee
