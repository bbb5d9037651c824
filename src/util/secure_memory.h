#pragma once
// Memory for secrets: OpenSSL's secure heap, pages locked in RAM (mlock: never swapped) and excluded from
// core dumps (MADV_DONTDUMP), with guard pages around them. Once it is initialised OpenSSL keeps its own
// private keys there too (the TLS staking key's scalar). Allocator<T> puts a container's or a
// shared_ptr's memory there and zeroes it when freed.
#include <cstddef>
#include <new>

#include <openssl/crypto.h>

namespace cryftee::secure_memory {

// Room for every key memory custody may hold (custody/memory_custody.h) with plenty to spare; a power of
// two, as OpenSSL requires. Locked memory counts against RLIMIT_MEMLOCK (8 MiB by default on Linux).
inline constexpr std::size_t kHeapBytes = 4 << 20;
inline constexpr std::size_t kMinAllocationBytes = 16;

enum class HeapState {
  Protected,    // locked and excluded from dumps
  Unprotected,  // OpenSSL could not lock or mark the pages (e.g. RLIMIT_MEMLOCK); still zeroed when freed
  Unavailable,  // no secure heap: secrets fall back to ordinary memory, zeroed when freed
};

// Sets the heap up once, before any secret exists; later calls return the first answer.
HeapState initialize();

template <typename T>
struct Allocator {
  using value_type = T;
  Allocator() = default;
  template <typename U>
  Allocator(const Allocator<U>&) noexcept {}

  T* allocate(std::size_t count) {
    if (count > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_alloc();
    void* memory = OPENSSL_secure_malloc(count * sizeof(T));
    if (memory == nullptr) throw std::bad_alloc();
    return static_cast<T*>(memory);
  }
  void deallocate(T* pointer, std::size_t count) noexcept { OPENSSL_secure_clear_free(pointer, count * sizeof(T)); }

  template <typename U>
  bool operator==(const Allocator<U>&) const noexcept {
    return true;
  }
};

}  // namespace cryftee::secure_memory
