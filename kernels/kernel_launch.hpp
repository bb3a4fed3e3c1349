// Every kernel launch goes through launch_kernel: cudaLaunchKernelEx is typed, is captured into
// graphs like <<<...>>>, and is plain C++, so tests/emulated_gpu can run this host code without a GPU.
// docs/architecture.md, "Backends".
#pragma once

#include <cuda_runtime.h>

#include <utility>

#include "kernels/cuda_check.hpp"

namespace eisim {

template <typename... Params, typename... Args>
void launch_kernel(const char* name, unsigned int blocks, unsigned int threads, cudaStream_t stream,
                   void (*kernel)(Params...), Args&&... args) {
  cudaLaunchConfig_t config{};
  config.gridDim = dim3(blocks);
  config.blockDim = dim3(threads);
  config.stream = stream;
  cuda_check(cudaLaunchKernelEx(&config, kernel, std::forward<Args>(args)...), name);
}

}  // namespace eisim
