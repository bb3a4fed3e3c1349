// Lets the kernels of kernels/step_kernels.cuh compile as host code, one emulated thread at a
// time, so that their logic can be compared with the CPU backend where there is no GPU.
// Emulated atomics are plain read-modify-writes: the threads run one after another.
#pragma once

#include <algorithm>

#define __global__
#define __device__
#define __forceinline__ inline

struct EmulatedDim3 {
  unsigned int x = 0, y = 0, z = 0;
};
inline EmulatedDim3 threadIdx, blockIdx, blockDim, gridDim;

template <typename T>
T atomicAdd(T* address, T value) {
  const T old = *address;
  *address = old + value;
  return old;
}

inline unsigned int atomicOr(unsigned int* address, unsigned int value) {
  const unsigned int old = *address;
  *address = old | value;
  return old;
}

using std::min;

// Runs `kernel` for every (block, thread) of a launch.
template <typename Kernel, typename... Args>
void emulate_launch(unsigned int blocks, unsigned int threads, Kernel kernel, Args... args) {
  gridDim.x = blocks;
  blockDim.x = threads;
  for (unsigned int b = 0; b < blocks; ++b) {
    blockIdx.x = b;
    for (unsigned int t = 0; t < threads; ++t) {
      threadIdx.x = t;
      kernel(args...);
    }
  }
}
