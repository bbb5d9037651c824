#pragma once
// What the module runtime (dispatcher, engine) and key custody report to the status and schema routes.
// The daemon sets ApiContext::runtime_facts to a closure over module_runtime_facts.
#include "http/runtime_facts.h"

namespace cryftee {
class KeyCustody;
namespace runtime {
class Dispatcher;
}
}  // namespace cryftee

namespace cryftee::http {

RuntimeFacts module_runtime_facts(const runtime::Dispatcher& dispatcher, const KeyCustody& custody);

}  // namespace cryftee::http
