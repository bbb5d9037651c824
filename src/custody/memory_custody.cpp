#include "custody/memory_custody.h"

#include <algorithm>
#include <mutex>

#include "crypto/node_id.h"
#include "util/error.h"
#include "util/secure_memory.h"

namespace cryftee {
namespace {

Error unknown_handle(std::string_view kind, std::string_view handle) {
  return not_found("no " + std::string(kind) + " key has handle " + quote_handle(handle) +
                       "; register the key first, or use the handle its registration returned",
                   "key_not_found");
}

Error limit_reached(std::string_view kind, std::size_t limit) {
  return conflict("memory custody already holds " + std::to_string(limit) + " " + std::string(kind) +
                      " keys, its limit; reuse a registered key or restart the daemon to clear ephemeral keys",
                  "key_limit_reached");
}

template <typename Info>
std::vector<Info> sorted_by_handle(std::vector<Info> infos) {
  std::sort(infos.begin(), infos.end(), [](const Info& a, const Info& b) { return a.handle < b.handle; });
  return infos;
}

}  // namespace

MemoryCustody::MemoryCustody(std::size_t max_keys_per_kind) : max_keys_per_kind_(max_keys_per_kind) {}

BlsKeyInfo MemoryCustody::insert_bls(bls::SecretKey secret) {
  BlsKeyInfo info;
  info.public_key = secret.public_key();
  info.proof_of_possession = secret.proof_of_possession();
  info.handle = bls_handle_for(info.public_key);
  // The entry holds the secret scalar, so it lives in locked pages that core dumps leave out.
  auto entry = std::allocate_shared<const BlsEntry>(secure_memory::Allocator<BlsEntry>{},
                                                    BlsEntry{std::move(secret), std::move(info)});

  std::unique_lock lock(mutex_);
  if (auto held = bls_.find(entry->info.handle); held != bls_.end()) return held->second->info;
  if (bls_.size() >= max_keys_per_kind_) throw limit_reached("BLS", max_keys_per_kind_);
  bls_.emplace(entry->info.handle, entry);
  return entry->info;
}

BlsKeyInfo MemoryCustody::bls_generate() { return insert_bls(bls::SecretKey::generate()); }

BlsKeyInfo MemoryCustody::bls_import(ByteView secret) { return insert_bls(bls::SecretKey::from_bytes(secret)); }

std::optional<BlsKeyInfo> MemoryCustody::bls_find(ByteView public_key) const {
  if (public_key.size() != bls::kPublicKeySize) {
    throw bad_request("a BLS public key has 48 bytes (compressed G1), got " + std::to_string(public_key.size()),
                      "invalid_bls_public_key");
  }
  bls::PublicKey key;
  std::copy(public_key.begin(), public_key.end(), key.begin());
  const std::string handle = bls_handle_for(key);
  std::shared_lock lock(mutex_);
  auto held = bls_.find(handle);
  if (held == bls_.end()) return std::nullopt;
  return held->second->info;
}

std::shared_ptr<const MemoryCustody::BlsEntry> MemoryCustody::bls_entry(std::string_view handle) const {
  std::shared_lock lock(mutex_);
  auto held = bls_.find(handle);
  if (held == bls_.end()) throw unknown_handle("BLS", handle);
  return held->second;
}

BlsKeyInfo MemoryCustody::bls_key(std::string_view handle) const { return bls_entry(handle)->info; }

bls::Signature MemoryCustody::bls_sign(std::string_view handle, ByteView message, bls::Dst dst) const {
  return bls_entry(handle)->secret.sign(message, dst);
}

std::vector<BlsKeyInfo> MemoryCustody::bls_keys() const {
  std::vector<BlsKeyInfo> infos;
  {
    std::shared_lock lock(mutex_);
    infos.reserve(bls_.size());
    for (const auto& [handle, entry] : bls_) infos.push_back(entry->info);
  }
  return sorted_by_handle(std::move(infos));
}

TlsKeyInfo MemoryCustody::insert_tls(p256::PrivateKey key, const tls_identity::Certificate& certificate) {
  TlsKeyInfo info;
  info.public_key = key.public_key();
  info.handle = tls_handle_for(info.public_key);
  info.certificate_pem = certificate.pem;
  info.certificate_der = certificate.der;
  info.node_id = node_id_text(node_id_from_certificate(certificate.der));
  // The EC scalar itself is in OpenSSL's secure heap (util/secure_memory.h); the entry holds a pointer.
  auto entry = std::make_shared<const TlsEntry>(TlsEntry{std::move(key), std::move(info)});

  std::unique_lock lock(mutex_);
  if (auto held = tls_.find(entry->info.handle); held != tls_.end()) return held->second->info;
  if (tls_.size() >= max_keys_per_kind_) throw limit_reached("TLS", max_keys_per_kind_);
  tls_.emplace(entry->info.handle, entry);
  return entry->info;
}

TlsKeyInfo MemoryCustody::tls_generate() {
  auto key = p256::PrivateKey::generate();
  const auto certificate = tls_identity::make_staking_certificate(key);
  return insert_tls(std::move(key), certificate);
}

TlsKeyInfo MemoryCustody::tls_import(std::string_view private_key_pem,
                                     std::optional<std::string_view> certificate_pem) {
  auto key = p256::PrivateKey::from_pem(private_key_pem);
  if (!certificate_pem) {
    const auto certificate = tls_identity::make_staking_certificate(key);
    return insert_tls(std::move(key), certificate);
  }
  const auto certificate = tls_identity::parse_certificate_pem(*certificate_pem);
  tls_identity::require_certificate_matches(certificate, key);
  return insert_tls(std::move(key), certificate);
}

std::optional<TlsKeyInfo> MemoryCustody::tls_find(ByteView public_key) const {
  const auto point = p256::normalize_public_key(public_key);
  if (!point) {
    throw bad_request(
        "the TLS public key is not a P-256 point (65 bytes uncompressed, 33 compressed) or DER "
        "SubjectPublicKeyInfo",
        "invalid_tls_public_key");
  }
  const std::string handle = tls_handle_for(*point);
  std::shared_lock lock(mutex_);
  auto held = tls_.find(handle);
  if (held == tls_.end()) return std::nullopt;
  return held->second->info;
}

std::shared_ptr<const MemoryCustody::TlsEntry> MemoryCustody::tls_entry(std::string_view handle) const {
  std::shared_lock lock(mutex_);
  auto held = tls_.find(handle);
  if (held == tls_.end()) throw unknown_handle("TLS", handle);
  return held->second;
}

TlsKeyInfo MemoryCustody::tls_key(std::string_view handle) const { return tls_entry(handle)->info; }

Bytes MemoryCustody::tls_sign(std::string_view handle, ByteView digest) const {
  return tls_entry(handle)->key.sign_digest(digest);
}

std::vector<TlsKeyInfo> MemoryCustody::tls_keys() const {
  std::vector<TlsKeyInfo> infos;
  {
    std::shared_lock lock(mutex_);
    infos.reserve(tls_.size());
    for (const auto& [handle, entry] : tls_) infos.push_back(entry->info);
  }
  return sorted_by_handle(std::move(infos));
}

bool MemoryCustody::holds(std::string_view handle) const {
  std::shared_lock lock(mutex_);
  return bls_.contains(handle) || tls_.contains(handle);
}

bool MemoryCustody::release(std::string_view handle) {
  // The entry is destroyed, and its secret zeroed, when the last signer holding it lets go.
  std::shared_ptr<const void> released;
  std::unique_lock lock(mutex_);
  if (auto held = bls_.find(handle); held != bls_.end()) {
    released = std::move(held->second);
    bls_.erase(held);
    return true;
  }
  if (auto held = tls_.find(handle); held != tls_.end()) {
    released = std::move(held->second);
    tls_.erase(held);
    return true;
  }
  return false;
}

}  // namespace cryftee
