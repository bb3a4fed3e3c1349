// A block's threads working together (docs/architecture.md, "Backends"): block_phases runs each phase
// in every thread of the block before any thread starts the next, with __syncthreads() between them,
// e.g. zero a __shared__ accumulator, add into it, write it out. The emulated runtime of the tests
// (tests/emulated_gpu) runs the phases of all threads one phase after another, so a kernel that uses
// them keeps to three rules: block_phases is reached by every thread of the block alike; a phase
// finds its thread's work from threadIdx itself, not from values computed before it; and nothing
// outside the phases writes memory.
#pragma once

#include <cuda_runtime.h>

namespace eisim::cuda {

#if defined(__CUDACC__)
template <typename... Phases>
__device__ __forceinline__ void block_phases(const Phases&... phases) {
  ((phases(), __syncthreads()), ...);
}
#else
using ::block_phases;  // the emulated runtime's
#endif

}  // namespace eisim::cuda
