// The emulated runtime's (../../cuda_runtime.h) stand-in for CUB's radix sort of keys in a
// DoubleBuffer: the same two-call protocol, a stable sort on bits [begin_bit, end_bit) queued on
// the stream, and the result always in the other buffer, so a caller that ignores Current() fails.
#pragma once

#include <cuda_runtime.h>

#include <algorithm>

namespace cub {

template <typename Key>
struct DoubleBuffer {
  Key* d_buffers[2] = {nullptr, nullptr};
  int selector = 0;
  DoubleBuffer() = default;
  DoubleBuffer(Key* current, Key* alternate) : d_buffers{current, alternate} {}
  Key* Current() const { return d_buffers[selector]; }
  Key* Alternate() const { return d_buffers[selector ^ 1]; }
};

struct DeviceRadixSort {
  static constexpr size_t kScratchBytes = 512;

  template <typename Key, typename Count>
  static cudaError_t SortKeys(void* scratch, size_t& scratch_bytes, DoubleBuffer<Key>& keys, Count n, int begin_bit = 0,
                              int end_bit = sizeof(Key) * 8, cudaStream_t stream = nullptr) {
    if (!scratch) {
      scratch_bytes = kScratchBytes;
      return cudaSuccess;
    }
    const size_t bytes = sizeof(Key) * static_cast<size_t>(n);
    if (scratch_bytes < kScratchBytes || !emulated_gpu::is_device_range(scratch, kScratchBytes) ||
        begin_bit < 0 || end_bit > static_cast<int>(sizeof(Key) * 8) || begin_bit >= end_bit ||
        (n > 0 && (!emulated_gpu::is_device_range(keys.Current(), bytes) ||
                   !emulated_gpu::is_device_range(keys.Alternate(), bytes)))) {
      return emulated_gpu::fail(cudaErrorInvalidValue);
    }
    Key* in = keys.Current();
    Key* out = keys.Alternate();
    keys.selector ^= 1;
    const Key mask = end_bit - begin_bit == static_cast<int>(sizeof(Key) * 8) ? ~Key(0) : (Key(1) << (end_bit - begin_bit)) - 1;
    return emulated_gpu::enqueue(stream, [in, out, n, begin_bit, mask] {
      std::copy(in, in + n, out);
      std::stable_sort(out, out + n, [&](Key a, Key b) { return ((a >> begin_bit) & mask) < ((b >> begin_bit) & mask); });
    });
  }
};

}  // namespace cub
