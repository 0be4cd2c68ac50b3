// The per-thread block cache (small_pool.h): one free list per 16-byte size class up to 512
// bytes, each capped at 64 blocks, so a thread keeps at most about half a MiB it does not use.
// Larger requests go straight to operator new.
#include "duet/core/small_pool.h"

#if defined(__SANITIZE_ADDRESS__)
#define DUET_POOL_OFF 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DUET_POOL_OFF 1
#endif
#endif

namespace duet::detail {

#ifdef DUET_POOL_OFF

void* pool_allocate(std::size_t bytes) { return ::operator new(bytes); }
void pool_deallocate(void* block, std::size_t) noexcept { ::operator delete(block); }

#else

namespace {

constexpr std::size_t kGranule = 16;
constexpr std::size_t kClasses = 32;    // blocks of 16, 32, ..., 512 bytes
constexpr std::size_t kKeepPerClass = 64;  // more than one step of a small model frees

struct FreeBlock {
  FreeBlock* next;
};

struct Cache {
  FreeBlock* head[kClasses] = {};
  std::size_t count[kClasses] = {};

  ~Cache();
};

// Set when this thread's cache is destroyed (thread exit): blocks freed later, by other
// thread-local objects' destructors, go back to the heap. Trivially destructible on purpose.
thread_local bool t_cache_gone = false;
thread_local Cache t_cache;

Cache::~Cache() {
  for (std::size_t c = 0; c < kClasses; ++c) {
    while (head[c]) {
      FreeBlock* b = head[c];
      head[c] = b->next;
      ::operator delete(b);
    }
  }
  t_cache_gone = true;
}

// The size class of `bytes` (0 for 1..16), or kClasses when too large to cache.
std::size_t size_class(std::size_t bytes) { return bytes == 0 ? 0 : (bytes - 1) / kGranule; }

}  // namespace

void* pool_allocate(std::size_t bytes) {
  const std::size_t c = size_class(bytes);
  if (c >= kClasses) return ::operator new(bytes);
  // Always the class's full size: the block may join any thread's cache for that class.
  if (t_cache_gone) return ::operator new((c + 1) * kGranule);
  Cache& cache = t_cache;
  if (FreeBlock* b = cache.head[c]) {
    cache.head[c] = b->next;
    --cache.count[c];
    return b;
  }
  return ::operator new((c + 1) * kGranule);
}

void pool_deallocate(void* block, std::size_t bytes) noexcept {
  if (!block) return;
  const std::size_t c = size_class(bytes);
  if (c >= kClasses || t_cache_gone || t_cache.count[c] >= kKeepPerClass) {
    ::operator delete(block);
    return;
  }
  Cache& cache = t_cache;
  auto* b = static_cast<FreeBlock*>(block);
  b->next = cache.head[c];
  cache.head[c] = b;
  ++cache.count[c];
}

#endif

}  // namespace duet::detail
