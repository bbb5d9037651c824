#pragma once
// The "none" sealer: no key store at all. Keys live in memory custody only and are lost when the process
// ends; status and the start-up log say so. Nothing is ever sealed with it: seal() and unseal() refuse
// with 422 "keys_not_durable", so a caller that forgets to check durable() fails loudly, never silently.
#include <memory>

#include "key_store/sealer.h"

namespace cryftee::key_store {

std::unique_ptr<Sealer> make_none_sealer();

}  // namespace cryftee::key_store
