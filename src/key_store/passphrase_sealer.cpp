#include "key_store/passphrase_sealer.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <map>
#include <mutex>

#include "util/encoding.h"
#include "util/error.h"

namespace cryftee::key_store {
namespace {

constexpr std::string_view kFormat = "scrypt-aes256gcm/1";
constexpr std::string_view kAadPrefix = "cryftee-key-record:";
constexpr std::size_t kKeySize = 32;
constexpr std::size_t kSaltSize = 32;
constexpr std::size_t kNonceSize = 12;
constexpr std::size_t kTagSize = 16;
constexpr std::size_t kMaxSecretSize = 16 * 1024;

using DerivedKey = std::array<std::uint8_t, kKeySize>;

Error damaged(const std::string& what) {
  return unprocessable("the sealed part is damaged: " + what, "damaged_record");
}

Bytes random_bytes(std::size_t size) {
  Bytes bytes(size);
  if (RAND_bytes(bytes.data(), static_cast<int>(size)) != 1) throw internal_error("the system random number generator failed");
  return bytes;
}

void scrypt(const std::string& passphrase, ByteView salt, const ScryptCost& cost, DerivedKey& out) {
  std::unique_ptr<EVP_KDF, decltype(&EVP_KDF_free)> kdf(EVP_KDF_fetch(nullptr, OSSL_KDF_NAME_SCRYPT, nullptr), EVP_KDF_free);
  std::unique_ptr<EVP_KDF_CTX, decltype(&EVP_KDF_CTX_free)> ctx(kdf ? EVP_KDF_CTX_new(kdf.get()) : nullptr,
                                                                EVP_KDF_CTX_free);
  if (!ctx) throw internal_error("OpenSSL does not provide scrypt");
  std::uint64_t n = cost.n;
  std::uint32_t r = cost.r;
  std::uint32_t p = cost.p;
  std::uint64_t max_memory = kMaxSealScryptMemoryBytes + (1u << 20);
  // OpenSSL only reads these buffers; the casts satisfy its non-const parameter types.
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, const_cast<char*>(passphrase.data()), passphrase.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<std::uint8_t*>(salt.data()), salt.size()),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &max_memory),
      OSSL_PARAM_construct_end()};
  if (EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) != 1) {
    throw internal_error("scrypt failed; the host may lack the memory its cost needs");
  }
}

void check_cost(const ScryptCost& cost) {
  const bool power_of_two = cost.n >= 2 && (cost.n & (cost.n - 1)) == 0;
  if (!power_of_two || cost.r == 0 || cost.p == 0 || cost.r > 64 || cost.p > 16 ||
      cost.n > kMaxSealScryptMemoryBytes / (128ull * cost.r)) {
    throw damaged("its scrypt parameters are out of bounds");
  }
}

struct CipherCtx {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  ~CipherCtx() { EVP_CIPHER_CTX_free(ctx); }
};

Bytes hex_member(const nlohmann::json& json, const char* key, std::size_t size) {
  auto it = json.find(key);
  if (it == json.end() || !it->is_string()) throw damaged(std::string("'") + key + "' is missing");
  auto bytes = hex_decode(it->get<std::string>());
  if (!bytes || (size != 0 && bytes->size() != size)) throw damaged(std::string("'") + key + "' has a wrong size");
  return *bytes;
}

class PassphraseSealer final : public Sealer {
 public:
  PassphraseSealer(std::string& passphrase, ScryptCost cost) : passphrase_(std::move(passphrase)), cost_(cost) {
    secure_zero(passphrase);
    seal_salt_ = random_bytes(kSaltSize);
  }
  ~PassphraseSealer() override {
    secure_zero(passphrase_);
    for (auto& [salt, key] : keys_) secure_zero(key.data(), key.size());
  }

  std::string_view kind() const noexcept override { return "passphrase"; }
  bool durable() const noexcept override { return true; }

  nlohmann::json seal(ByteView secret, std::string_view label) override {
    if (secret.empty() || secret.size() > kMaxSecretSize) throw internal_error("the secret to seal has a wrong size");
    DerivedKey key = derived(seal_salt_, cost_);
    const Bytes nonce = random_bytes(kNonceSize);
    const std::string aad = std::string(kAadPrefix) + std::string(label);
    Bytes ciphertext(secret.size());
    Bytes tag(kTagSize);
    CipherCtx c;
    int written = 0;
    int final_written = 0;
    const bool ok = c.ctx && EVP_EncryptInit_ex(c.ctx, EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
                    EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_SET_IVLEN, kNonceSize, nullptr) == 1 &&
                    EVP_EncryptInit_ex(c.ctx, nullptr, nullptr, key.data(), nonce.data()) == 1 &&
                    EVP_EncryptUpdate(c.ctx, nullptr, &written, as_bytes(aad).data(), static_cast<int>(aad.size())) == 1 &&
                    EVP_EncryptUpdate(c.ctx, ciphertext.data(), &written, secret.data(), static_cast<int>(secret.size())) == 1 &&
                    EVP_EncryptFinal_ex(c.ctx, ciphertext.data() + written, &final_written) == 1 &&
                    EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_GET_TAG, kTagSize, tag.data()) == 1;
    secure_zero(key.data(), key.size());
    if (!ok) throw internal_error("AES-256-GCM failed inside OpenSSL");
    return {{"format", kFormat},
            {"kdf", {{"n", cost_.n}, {"r", cost_.r}, {"p", cost_.p}, {"salt", hex_encode(seal_salt_)}}},
            {"nonce", hex_encode(nonce)},
            {"ciphertext", hex_encode(ciphertext)},
            {"tag", hex_encode(tag)}};
  }

  Bytes unseal(const nlohmann::json& sealed, std::string_view label) override {
    if (!sealed.is_object() || sealed.value("format", "") != kFormat) {
      throw damaged("its format is not '" + std::string(kFormat) + "'");
    }
    const auto& kdf = sealed.contains("kdf") ? sealed["kdf"] : nlohmann::json();
    if (!kdf.is_object() || !kdf.value("n", nlohmann::json()).is_number_unsigned() ||
        !kdf.value("r", nlohmann::json()).is_number_unsigned() || !kdf.value("p", nlohmann::json()).is_number_unsigned()) {
      throw damaged("its scrypt parameters are missing");
    }
    ScryptCost cost{kdf["n"].get<std::uint64_t>(), static_cast<std::uint32_t>(std::min<std::uint64_t>(kdf["r"].get<std::uint64_t>(), UINT32_MAX)),
                    static_cast<std::uint32_t>(std::min<std::uint64_t>(kdf["p"].get<std::uint64_t>(), UINT32_MAX))};
    check_cost(cost);
    const Bytes salt = hex_member(kdf, "salt", kSaltSize);
    const Bytes nonce = hex_member(sealed, "nonce", kNonceSize);
    const Bytes ciphertext = hex_member(sealed, "ciphertext", 0);
    Bytes tag = hex_member(sealed, "tag", kTagSize);
    if (ciphertext.empty() || ciphertext.size() > kMaxSecretSize) throw damaged("the ciphertext has a wrong size");

    DerivedKey key = derived(salt, cost);
    const std::string aad = std::string(kAadPrefix) + std::string(label);
    Bytes plain(ciphertext.size());
    CipherCtx c;
    int written = 0;
    int final_written = 0;
    const bool ready = c.ctx && EVP_DecryptInit_ex(c.ctx, EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
                       EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_SET_IVLEN, kNonceSize, nullptr) == 1 &&
                       EVP_DecryptInit_ex(c.ctx, nullptr, nullptr, key.data(), nonce.data()) == 1 &&
                       EVP_DecryptUpdate(c.ctx, nullptr, &written, as_bytes(aad).data(), static_cast<int>(aad.size())) == 1 &&
                       EVP_DecryptUpdate(c.ctx, plain.data(), &written, ciphertext.data(), static_cast<int>(ciphertext.size())) == 1 &&
                       EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_SET_TAG, kTagSize, tag.data()) == 1;
    const bool opened = ready && EVP_DecryptFinal_ex(c.ctx, plain.data() + written, &final_written) == 1;
    secure_zero(key.data(), key.size());
    if (!opened) {
      secure_zero(plain);
      throw Error(403, "wrong_seal_passphrase",
                  "the seal passphrase does not open this record (it was sealed under another passphrase, or its "
                  "sealed part was altered)");
    }
    return plain;
  }

  nlohmann::json describe() const override {
    return {{"kind", "passphrase"}, {"kdf", "scrypt"}, {"n", cost_.n}, {"r", cost_.r}, {"p", cost_.p},
            {"cipher", "aes-256-gcm"}};
  }

 private:
  // The key for a salt and cost, derived once and then cached for the life of the sealer.
  DerivedKey derived(const Bytes& salt, const ScryptCost& cost) {
    const std::string id = hex_encode(salt) + ":" + std::to_string(cost.n) + ":" + std::to_string(cost.r) + ":" +
                           std::to_string(cost.p);
    std::lock_guard lock(mutex_);
    if (auto it = keys_.find(id); it != keys_.end()) return it->second;
    DerivedKey key{};
    scrypt(passphrase_, salt, cost, key);
    keys_.emplace(id, key);
    return key;
  }

  std::string passphrase_;
  ScryptCost cost_;
  Bytes seal_salt_;
  std::mutex mutex_;  // guards keys_; held while deriving so one salt is derived once
  std::map<std::string, DerivedKey> keys_;
};

}  // namespace

std::unique_ptr<Sealer> make_passphrase_sealer(std::string& passphrase, ScryptCost cost) {
  if (passphrase.empty()) {
    throw bad_request("the seal passphrase is empty; give one with at least one character", "invalid_seal_passphrase");
  }
  check_cost(cost);
  return std::make_unique<PassphraseSealer>(passphrase, cost);
}

}  // namespace cryftee::key_store
