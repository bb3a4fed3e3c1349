// The emulated runtime's (../../cuda_runtime.h) stand-in for CUB's device-wide scan: the same
// two-call protocol (ask the scratch size, then scan), the scan itself queued on the stream.
#pragma once

#include <cuda_runtime.h>

#include <type_traits>

namespace cub {

struct DeviceScan {
  static constexpr size_t kScratchBytes = 256;

  template <typename In, typename Out, typename Count>
  static cudaError_t ExclusiveSum(void* scratch, size_t& scratch_bytes, In in, Out out, Count n,
                                  cudaStream_t stream = nullptr) {
    if (!scratch) {
      scratch_bytes = kScratchBytes;
      return cudaSuccess;
    }
    if (scratch_bytes < kScratchBytes || !emulated_gpu::is_device_range(scratch, kScratchBytes) ||
        !emulated_gpu::is_device_range(in, sizeof(*in) * n) || !emulated_gpu::is_device_range(out, sizeof(*out) * n)) {
      return emulated_gpu::fail(cudaErrorInvalidValue);
    }
    return emulated_gpu::enqueue(stream, [in, out, n] {
      std::remove_reference_t<decltype(*out)> sum{};
      for (Count k = 0; k < n; ++k) {
        const auto value = in[k];
        out[k] = sum;
        sum += value;
      }
    });
  }
};

}  // namespace cub
