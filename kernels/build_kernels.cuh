// Building Erdős–Rényi connectivity on the GPU: one thread per presynaptic row counts its targets,
// a scan turns the counts into row starts, and the same threads fill the rows. The rows come from
// include/eisim/erdos_renyi.hpp, so they are the host builder's, synapse for synapse.
#pragma once

#include "eisim/erdos_renyi.hpp"

namespace eisim::cuda {

// Also the longest row's length, in *longest (which starts at 0).
static __global__ void count_rows(ErdosRenyiRows rows, int n_pre, unsigned long long* counts,
                                  unsigned long long* longest) {
  const int row = blockIdx.x * blockDim.x + threadIdx.x;
  if (row >= n_pre) return;
  unsigned long long count = 0;
  erdos_renyi_row(rows, static_cast<uint32_t>(row), [&](uint32_t) { ++count; });
  counts[row] = count;
  atomicMax(longest, count);
}

static __global__ void fill_rows(ErdosRenyiRows rows, int n_pre, const unsigned long long* row_start, uint32_t* targets) {
  const int row = blockIdx.x * blockDim.x + threadIdx.x;
  if (row >= n_pre) return;
  uint32_t* out = targets + row_start[row];
  erdos_renyi_row(rows, static_cast<uint32_t>(row), [&](uint32_t target) { *out++ = target; });
}

}  // namespace eisim::cuda
