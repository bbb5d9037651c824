#pragma once
// A Custody for tests that need keys but no key store and no Web3Signer: the "none" sealer, memory only.
#include "custody/custody.h"
#include "key_store/none_sealer.h"

namespace cryftee::testing {

inline CustodySetup memory_only_custody() {
  CustodySetup setup;
  setup.sealer = key_store::make_none_sealer();
  return setup;
}

}  // namespace cryftee::testing
