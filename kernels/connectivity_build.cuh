// Building Erdős–Rényi connectivity on the GPU: one thread per presynaptic row counts its targets,
// a scan turns the counts into row starts, and the same threads fill the rows. The rows come from
// include/eisim/model/erdos_renyi.hpp, so they are the host builder's, synapse for synapse. Plastic
// projections also get their postsynaptic-major index here.
// docs/architecture.md, "Network build and backend set-up".
#pragma once

#include "eisim/model/erdos_renyi.hpp"

namespace eisim::cuda {

// Also the longest row's length, in *longest (which starts at 0).
// Rows hold the targets in [begin, end), this rank's slice, counted from begin.
static __global__ void count_rows(ErdosRenyiRows rows, long long begin, long long end, int n_pre,
                                  unsigned long long* counts, unsigned long long* longest) {
  const long long row = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;  // n_pre may be near 2^31
  if (row >= n_pre) return;
  unsigned long long count = 0;
  erdos_renyi_row(rows, static_cast<uint32_t>(row), begin, end, [&](uint32_t) { ++count; });
  counts[row] = count;
  atomicMax(longest, count);
}

static __global__ void fill_rows(ErdosRenyiRows rows, long long begin, long long end, int n_pre,
                                 const unsigned long long* row_start, uint32_t* targets) {
  const long long row = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;  // n_pre may be near 2^31
  if (row >= n_pre) return;
  uint32_t* out = targets + row_start[row];
  const uint32_t first = static_cast<uint32_t>(begin);
  erdos_renyi_row(rows, static_cast<uint32_t>(row), begin, end, [&](uint32_t target) { *out++ = target - first; });
}

// The postsynaptic-major index of CSR rows, counted and (after a scan) filled with one block per
// row, its threads over the row's synapses. Within a column the entries come in the atomics' order:
// each names its own synapse, so no result depends on it.
static __global__ void count_columns(const unsigned long long* row_start, const uint32_t* targets,
                                     unsigned long long* counts) {
  const unsigned int row = blockIdx.x;
  for (unsigned long long t = row_start[row] + threadIdx.x; t < row_start[row + 1]; t += blockDim.x) {
    atomicAdd(counts + targets[t], 1ull);
  }
}

static __global__ void fill_columns(const unsigned long long* row_start, const uint32_t* targets,
                                    unsigned long long* next_slot, unsigned long long* incoming_synapse,
                                    uint32_t* incoming_pre) {
  const unsigned int row = blockIdx.x;
  for (unsigned long long t = row_start[row] + threadIdx.x; t < row_start[row + 1]; t += blockDim.x) {
    const unsigned long long slot = atomicAdd(next_slot + targets[t], 1ull);
    incoming_synapse[slot] = t;
    incoming_pre[slot] = row;
  }
}

static __global__ void longest_count(const unsigned long long* counts, int n, unsigned long long* longest) {
  const long long j = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (j < n) atomicMax(longest, counts[j]);
}

}  // namespace eisim::cuda
