#pragma once
// What the module runtime (dispatcher, engine) and key custody report to the status and schema routes.
// The daemon sets ApiContext::runtime_facts to a closure over module_runtime_facts and
// add_web3signer_facts.
#include "api/runtime_facts.h"

namespace cryftee {
class Custody;  // custody/custody.h
namespace runtime {
class Dispatcher;
}
}  // namespace cryftee

namespace cryftee::api {

RuntimeFacts module_runtime_facts(const runtime::Dispatcher& dispatcher, const Custody& custody);

// Adds what the Web3Signer health checker last saw, and the keys known to be in Web3Signer, to `facts`;
// nothing when Web3Signer is not enabled.
void add_web3signer_facts(RuntimeFacts& facts, const Custody& custody);

}  // namespace cryftee::api
