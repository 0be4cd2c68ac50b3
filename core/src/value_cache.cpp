// The per-thread cache of tensor value buffers (value_cache.h).
//
// Why it is shaped this way (an earlier cache keyed every released array in a hash map, up to
// 64 MiB, and slowed a CNN epoch from 13 to 22 ms and the article step by 20%):
// - a hash lookup per array costs more than glibc's own small-block path, so small arrays (the
//   article's, a bias's) use one fixed bin per size, indexed directly;
// - arrays of sizes no op asks for again would sit in the cache while malloc faulted in fresh,
//   cold pages for every new buffer; here large arrays are bounded by a byte budget and the
//   oldest are freed first, and a request takes the most recently released array of its size,
//   which is still in the processor's caches (as malloc's own reuse would give).
#include "value_cache.h"

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#define DUET_VALUE_CACHE_OFF 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DUET_VALUE_CACHE_OFF 1
#endif
#endif

namespace duet::detail {

#ifdef DUET_VALUE_CACHE_OFF

template <typename T>
Eigen::Array<T, Eigen::Dynamic, 1> take_values(Eigen::Index size) {
  return Eigen::Array<T, Eigen::Dynamic, 1>(size);
}

template <typename T>
void give_back_values(Eigen::Array<T, Eigen::Dynamic, 1>&) noexcept {}

#else

namespace {

constexpr Eigen::Index kSmallMax = 64;  // arrays of 1..64 values: one bin per size
constexpr int kSmallKeep = 8;           // per size: more than a small model's step frees
// Larger arrays: each at most 4 MiB, together at most 16 MiB and 512 arrays per thread and type.
constexpr std::size_t kLargeMaxBytes = std::size_t{4} << 20;
constexpr std::size_t kLargeBudget = std::size_t{16} << 20;
constexpr std::size_t kLargeKeep = 512;

template <typename T>
using Values = Eigen::Array<T, Eigen::Dynamic, 1>;

// The small bins: raw storage, trivially constructible and destructible, so that reaching them
// is a plain thread-local access (no initialisation guard): the article's step takes and gives
// back a handful of tiny arrays, and a guarded access costs as much as malloc's fast path.
// The arrays in them are freed at thread exit by BinsOwner, registered on first use.
template <typename T>
struct SmallBins {
  alignas(Values<T>) unsigned char slot[kSmallMax + 1][kSmallKeep][sizeof(Values<T>)];
  int count[kSmallMax + 1];
  bool registered;
  bool gone;  // set at thread exit (the main thread's before static tensors go): free instead
};

thread_local SmallBins<float> t_float_bins;
thread_local SmallBins<double> t_double_bins;

template <typename T>
SmallBins<T>& bins() {
  if constexpr (std::is_same_v<T, float>) return t_float_bins;
  else return t_double_bins;
}

template <typename T>
Values<T>* slot_at(SmallBins<T>& b, Eigen::Index size, int k) {
  return std::launder(reinterpret_cast<Values<T>*>(b.slot[size][k]));
}

template <typename T>
struct BinsOwner {
  ~BinsOwner() {
    SmallBins<T>& b = bins<T>();
    for (Eigen::Index size = 0; size <= kSmallMax; ++size) {
      for (int k = 0; k < b.count[size]; ++k) slot_at(b, size, k)->~Values<T>();
      b.count[size] = 0;
    }
    b.gone = true;
  }
};

template <typename T>
[[gnu::noinline]] void register_bins() {
  thread_local BinsOwner<T> owner;
  (void)owner;
  bins<T>().registered = true;
}

// The larger arrays, oldest first.
template <typename T>
struct LargeCache {
  std::vector<Values<T>> arrays;
  std::size_t bytes = 0;
  LargeCache() { arrays.reserve(kLargeKeep); }
  ~LargeCache() { bins<T>().gone = true; }
};

template <typename T>
LargeCache<T>& large_cache() {
  thread_local LargeCache<T> cache;  // function-local: constructed on first use on each thread
  return cache;
}

template <typename T>
std::size_t bytes_of(Eigen::Index size) {
  return static_cast<std::size_t>(size) * sizeof(T);
}

template <typename T>
[[gnu::noinline]] Values<T> take_large(Eigen::Index size) {
  LargeCache<T>& c = large_cache<T>();
  for (auto it = c.arrays.end(); it != c.arrays.begin();) {
    --it;
    if (it->size() == size) {  // the newest of its size: the most likely to be in cache
      Values<T> found = std::move(*it);
      c.arrays.erase(it);
      c.bytes -= bytes_of<T>(size);
      return found;
    }
  }
  return Values<T>(size);
}

template <typename T>
[[gnu::noinline]] void give_back_large(Values<T>& array) noexcept {
  const std::size_t bytes = bytes_of<T>(array.size());
  if (bytes > kLargeMaxBytes) return;
  LargeCache<T>& c = large_cache<T>();
  // Make room by freeing the oldest; the vector's capacity is reserved, so this never allocates.
  std::size_t drop = 0;
  std::size_t freed = 0;
  while (drop < c.arrays.size() &&
         (c.arrays.size() - drop >= kLargeKeep || c.bytes - freed + bytes > kLargeBudget)) {
    freed += bytes_of<T>(c.arrays[drop].size());
    ++drop;
  }
  if (drop > 0) {
    c.arrays.erase(c.arrays.begin(), c.arrays.begin() + static_cast<std::ptrdiff_t>(drop));
    c.bytes -= freed;
  }
  c.arrays.emplace_back();
  c.arrays.back().swap(array);
  c.bytes += bytes;
}

}  // namespace

template <typename T>
Values<T> take_values(Eigen::Index size) {
  SmallBins<T>& b = bins<T>();
  if (size > 0 && size <= kSmallMax) {
    int& n = b.count[size];
    if (n > 0) {
      Values<T>* cached = slot_at(b, size, --n);
      Values<T> found(std::move(*cached));
      cached->~Values<T>();
      return found;
    }
    return Values<T>(size);
  }
  if (size > kSmallMax && !b.gone) return take_large<T>(size);
  return Values<T>(size);
}

template <typename T>
void give_back_values(Values<T>& array) noexcept {
  const Eigen::Index size = array.size();
  if (size == 0) return;
  SmallBins<T>& b = bins<T>();
  if (b.gone) return;
  if (size > kSmallMax) {
    give_back_large(array);
    return;
  }
  int& n = b.count[size];
  if (n >= kSmallKeep) return;
  if (!b.registered) register_bins<T>();
  ::new (static_cast<void*>(b.slot[size][n])) Values<T>(std::move(array));
  ++n;
}

#endif

#define DUET_INSTANTIATE(T)                                                        \
  template Eigen::Array<T, Eigen::Dynamic, 1> take_values<T>(Eigen::Index size); \
  template void give_back_values<T>(Eigen::Array<T, Eigen::Dynamic, 1> & array) noexcept;
DUET_INSTANTIATE(float)
DUET_INSTANTIATE(double)
#undef DUET_INSTANTIATE

}  // namespace duet::detail
