/// @file
/// A per-thread cache of small heap blocks for the objects every op creates (a tensor's
/// bookkeeping, its graph node, the node's list of inputs). A training step frees as many of
/// them as the next step allocates, so after the first step they come from the cache instead of
/// the general-purpose allocator. Blocks are ordinary heap blocks: one freed on another thread
/// joins that thread's cache, and each thread returns its cache to the heap when it exits.
/// Under AddressSanitizer the cache is off, so every block is checked on its own.
#pragma once

#include <cstddef>
#include <new>

namespace duet::detail {

/// A block of at least `bytes` bytes, aligned like operator new's; throws std::bad_alloc.
void* pool_allocate(std::size_t bytes);
/// Gives back a block from pool_allocate(bytes), with the same `bytes`.
void pool_deallocate(void* block, std::size_t bytes) noexcept;

/// A standard allocator over the cache (for std::allocate_shared and containers).
template <typename T>
struct PoolAllocator {
  using value_type = T;
  static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__, "the cache's blocks have operator new's alignment");

  PoolAllocator() noexcept = default;
  /// Rebinding: every PoolAllocator uses the same cache.
  template <typename U>
  PoolAllocator(const PoolAllocator<U>&) noexcept {}  // NOLINT: implicit, as allocators convert

  /// Room for `n` objects of type T.
  T* allocate(std::size_t n) { return static_cast<T*>(pool_allocate(n * sizeof(T))); }
  /// Gives back what allocate(n) returned.
  void deallocate(T* p, std::size_t n) noexcept { pool_deallocate(p, n * sizeof(T)); }

  /// All PoolAllocators are interchangeable.
  template <typename U>
  friend bool operator==(const PoolAllocator&, const PoolAllocator<U>&) noexcept {
    return true;
  }
};

}  // namespace duet::detail
