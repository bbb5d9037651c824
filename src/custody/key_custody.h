#pragma once
// The interface of the backends that hold keys in this process: memory custody (memory_custody.h) and
// durable custody (durable_custody.h), which writes memory custody's keys through to the sealed key store.
// Code outside custody/ uses the Custody façade (custody.h), which also routes to Web3Signer. Modules and
// routes refer to a key only by its handle; secrets never leave the backend.
//
// Key formats (see crypto/bls.h, crypto/p256.h, crypto/tls_identity.h, crypto/node_id.h):
// - BLS: secret 32 big-endian bytes below the group order; public key 48-byte compressed G1; signature
//   96-byte compressed G2 under the "sig" or "pop" DST; proof of possession = pop-DST signature over the
//   public key.
// - TLS: ECDSA P-256 private key (PKCS#8 PEM when imported); public key 65-byte uncompressed SEC1 point;
//   self-signed X.509 staking certificate (PEM, DER); node ID "NodeID-" + CB58(RIPEMD-160(SHA-256(DER)));
//   signatures are ASN.1 DER over a 32-byte digest.
// - Handles: "bls-" or "tls-" + the first 16 bytes of SHA-256 over the public key (the 48-byte BLS key,
//   the 65-byte TLS point) as 32 lower-case hex characters. They are derived from public data only,
//   reveal nothing secret, and the same key always gets the same handle, so importing a key twice gives
//   back the key already held.
//
// Errors (cryftee::Error): unknown handle 404 key_not_found (the find methods answer nullopt instead);
// malformed input 400 (sizes, encodings, out-of-range secrets, mismatched certificate); key of an
// unsupported type 422; too many keys held 409 key_limit_reached; a backend that cannot be reached 503.
//
// Every method is safe to call from many threads at once; signing calls run in parallel.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/bls.h"
#include "crypto/p256.h"
#include "custody/key_handle.h"
#include "util/bytes.h"

namespace cryftee {

struct BlsKeyInfo {
  std::string handle;
  bls::PublicKey public_key;
  bls::Signature proof_of_possession;
};

struct TlsKeyInfo {
  std::string handle;
  p256::PublicKey public_key;
  std::string certificate_pem;
  Bytes certificate_der;
  std::string node_id;  // "NodeID-..."
};

class KeyCustody {
 public:
  virtual ~KeyCustody() = default;

  // "memory", "web3signer": shown in status and logs.
  virtual std::string_view backend_name() const noexcept = 0;

  // BLS
  virtual BlsKeyInfo bls_generate() = 0;
  // The caller keeps ownership of (and zeroes) the secret bytes.
  virtual BlsKeyInfo bls_import(ByteView secret) = 0;
  // Looks up by 48-byte compressed public key; nullopt when not held, 400 for a wrong size.
  virtual std::optional<BlsKeyInfo> bls_find(ByteView public_key) const = 0;
  virtual BlsKeyInfo bls_key(std::string_view handle) const = 0;
  virtual bls::Signature bls_sign(std::string_view handle, ByteView message, bls::Dst dst) const = 0;
  virtual std::vector<BlsKeyInfo> bls_keys() const = 0;

  // TLS
  virtual TlsKeyInfo tls_generate() = 0;
  // A PEM private key and, optionally, its certificate; without one, a staking certificate is made for it.
  virtual TlsKeyInfo tls_import(std::string_view private_key_pem, std::optional<std::string_view> certificate_pem) = 0;
  // Looks up by public key (uncompressed or compressed point, or DER SubjectPublicKeyInfo); nullopt when
  // not held, 400 when the bytes are no P-256 public key.
  virtual std::optional<TlsKeyInfo> tls_find(ByteView public_key) const = 0;
  virtual TlsKeyInfo tls_key(std::string_view handle) const = 0;
  virtual Bytes tls_sign(std::string_view handle, ByteView digest) const = 0;
  virtual std::vector<TlsKeyInfo> tls_keys() const = 0;
  // The TLS key whose certificate gives this node ID ("NodeID-..."), or nullopt.
  std::optional<TlsKeyInfo> tls_find_node_id(std::string_view node_id) const {
    for (TlsKeyInfo& info : tls_keys()) {
      if (info.node_id == node_id) return std::move(info);
    }
    return std::nullopt;
  }

  // Whether a key of either kind has this handle (a handle's prefix says its kind: key_handle.h).
  virtual bool holds(std::string_view handle) const = 0;

  // Forgets a key of either kind and destroys its secret; false when the handle is unknown. Signatures
  // already under way finish first.
  virtual bool release(std::string_view handle) = 0;
};

}  // namespace cryftee
