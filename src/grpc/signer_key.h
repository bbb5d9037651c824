#pragma once
// Which BLS key a gRPC signer listener signs with. AvalancheGo's remote signer has no way to name a key,
// so each listener serves exactly one, fixed at start from the keys custody holds by then (the sealed key
// store's keys, an import at start, key material from the environment).
#include <optional>
#include <string>
#include <vector>

#include "custody/key_custody.h"

namespace cryftee::grpc_signer {

// `held`: custody's BLS keys at start. `transient`: handles among them that end with this process (a key
// generated for this run only), which are never chosen unless named. `named`: --grpc-signer-key, a public
// key (hex with or without 0x, or base64) or a key handle.
//
// Named: the held key it names. Not named: the one durable key. Otherwise throws cryftee::Error whose
// message is one line that lists every held key as "handle (0x public key)" and says how to choose.
BlsKeyInfo choose_signer_key(const std::vector<BlsKeyInfo>& held, const std::vector<std::string>& transient,
                             const std::optional<std::string>& named);

}  // namespace cryftee::grpc_signer
