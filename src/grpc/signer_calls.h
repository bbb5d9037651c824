#pragma once
// What AvalancheGo's three signer RPCs do, apart from gRPC: each signature request goes the way a REST
// request does, to the module that is the default for BLS signing (bls_sign), on the dispatcher's lanes,
// under that module's limits and signing policy. Only the key is fixed: the one this listener serves.
#include "custody/key_custody.h"
#include "runtime/registry.h"
#include "util/bytes.h"

namespace cryftee::runtime {
class Dispatcher;
}

namespace cryftee::grpc_signer {

class SignerCalls {
 public:
  // `registry` and `dispatcher` are the daemon's and outlive this object.
  SignerCalls(BlsKeyInfo key, runtime::RegistryHolder& registry, runtime::Dispatcher& dispatcher);

  const BlsKeyInfo& key() const noexcept { return key_; }

  // A signature over `message` under `dst` (Sign: Dst::Signature; SignProofOfPossession:
  // Dst::ProofOfPossession). Throws cryftee::Error: 400 empty_message for an empty message (proto3 cannot
  // tell it from a missing field), whatever the module or dispatcher refuses with, and 500
  // bad_module_answer when the module answers without a 96-byte signature.
  bls::Signature sign(ByteView message, bls::Dst dst) const;

 private:
  BlsKeyInfo key_;
  runtime::RegistryHolder& registry_;
  runtime::Dispatcher& dispatcher_;
};

}  // namespace cryftee::grpc_signer
