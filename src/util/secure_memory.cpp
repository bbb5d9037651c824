#include "util/secure_memory.h"

namespace cryftee::secure_memory {

HeapState initialize() {
  static const HeapState state = [] {
    switch (CRYPTO_secure_malloc_init(kHeapBytes, kMinAllocationBytes)) {
      case 1: return HeapState::Protected;
      case 2: return HeapState::Unprotected;
      default: return HeapState::Unavailable;
    }
  }();
  return state;
}

}  // namespace cryftee::secure_memory
