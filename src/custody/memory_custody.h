#pragma once
// The memory custody backend: secrets exist only in this process's memory, are never written, logged or
// returned, and are zeroed when a key is released or the custody is destroyed (bls::SecretKey clears its
// scalar; OpenSSL clears an EC private key's scalar when the key object is freed).
//
// Concurrency: one shared_mutex guards the key tables and is held only for a lookup or an insert. A
// signer copies the key's shared pointer under the shared lock and signs after releasing it, so signers
// never wait for each other, and a release or import waits for lookups only, never for signatures. Keys
// are derived (public key, proof of possession, certificate, node ID) outside the lock.
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "crypto/bls.h"
#include "crypto/p256.h"
#include "crypto/tls_identity.h"
#include "custody/key_custody.h"

namespace cryftee {

// Bounds the memory a client can make the daemon hold by registering keys in a loop.
inline constexpr std::size_t kMaxMemoryKeysPerKind = 1024;

class MemoryCustody final : public KeyCustody {
 public:
  explicit MemoryCustody(std::size_t max_keys_per_kind = kMaxMemoryKeysPerKind);

  std::string_view backend_name() const noexcept override { return "memory"; }

  BlsKeyInfo bls_generate() override;
  BlsKeyInfo bls_import(ByteView secret) override;
  std::optional<BlsKeyInfo> bls_find(ByteView public_key) const override;
  BlsKeyInfo bls_key(std::string_view handle) const override;
  bls::Signature bls_sign(std::string_view handle, ByteView message, bls::Dst dst) const override;
  std::vector<BlsKeyInfo> bls_keys() const override;

  TlsKeyInfo tls_generate() override;
  TlsKeyInfo tls_import(std::string_view private_key_pem, std::optional<std::string_view> certificate_pem) override;
  std::optional<TlsKeyInfo> tls_find(ByteView public_key) const override;
  TlsKeyInfo tls_key(std::string_view handle) const override;
  Bytes tls_sign(std::string_view handle, ByteView digest) const override;
  std::vector<TlsKeyInfo> tls_keys() const override;

  bool holds(std::string_view handle) const override;
  bool release(std::string_view handle) override;

 private:
  struct BlsEntry {
    bls::SecretKey secret;
    BlsKeyInfo info;
  };
  struct TlsEntry {
    p256::PrivateKey key;
    TlsKeyInfo info;
  };
  // Lets the tables be searched with a string_view handle without building a std::string per call.
  struct HandleHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view handle) const noexcept { return std::hash<std::string_view>{}(handle); }
  };
  template <typename Entry>
  using Table = std::unordered_map<std::string, std::shared_ptr<const Entry>, HandleHash, std::equal_to<>>;

  BlsKeyInfo insert_bls(bls::SecretKey secret);
  TlsKeyInfo insert_tls(p256::PrivateKey key, const tls_identity::Certificate& certificate);
  std::shared_ptr<const BlsEntry> bls_entry(std::string_view handle) const;
  std::shared_ptr<const TlsEntry> tls_entry(std::string_view handle) const;

  const std::size_t max_keys_per_kind_;
  mutable std::shared_mutex mutex_;
  Table<BlsEntry> bls_;
  Table<TlsEntry> tls_;
};

}  // namespace cryftee
