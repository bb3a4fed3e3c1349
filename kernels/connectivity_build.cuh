// Building Erdős–Rényi connectivity on the GPU: one thread per presynaptic row counts its targets,
// a scan turns the counts into row starts, and the same threads fill the rows. The rows come from
// include/eisim/model/erdos_renyi.hpp, so they are the host builder's, synapse for synapse. Plastic
// projections also get their postsynaptic-major index here.
// docs/architecture.md, "Network build and backend set-up".
#pragma once

#include "eisim/model/erdos_renyi.hpp"
#include "eisim/model/fixed_total_number.hpp"
#include "eisim/model/synapse_draws.hpp"

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

// The tile index of rows sorted by target (kernels/tile_layout.hpp), one thread per row: where each of
// the `tiles` tiles of 2^tile_shift neurons begins, counted from the row's start (entry `tiles` is the
// row's length), and each target's index within its tile.
static __global__ void index_tiles(int n_pre, const unsigned long long* row_start, const uint32_t* targets,
                                   unsigned int tiles, unsigned int tile_shift, uint32_t* tile_offset, uint16_t* local) {
  const long long row = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (row >= n_pre) return;
  const unsigned long long begin = row_start[row], end = row_start[row + 1];
  uint32_t* offset = tile_offset + static_cast<size_t>(row) * (tiles + 1);
  unsigned int next = 0;  // the next tile whose start is to be written
  for (unsigned long long t = begin; t < end; ++t) {
    const unsigned int tile = targets[t] >> tile_shift;
    while (next <= tile) offset[next++] = static_cast<uint32_t>(t - begin);
    local[t] = static_cast<uint16_t>(targets[t] & ((1u << tile_shift) - 1));
  }
  while (next <= tiles) offset[next++] = static_cast<uint32_t>(end - begin);
}

// A projection's drawn weights and delays (synapse_draws.hpp), one thread per row, as the host draws them.
static __global__ void draw_rows(SynapseDraws draws, long long first_target, int n_pre, const unsigned long long* row_start,
                                 const uint32_t* targets, float* weight, uint16_t* delay_steps) {
  const long long row = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (row >= n_pre) return;
  draw_row(draws, static_cast<uint32_t>(row), targets, row_start[row], row_start[row + 1], first_target, weight,
           delay_steps);
}

// A fixed-total-number projection's pairs of blocks [first_block, ...) (pair_start: where each block's
// pairs begin among them, ascending; `pairs` in all), one thread per pair: the key pre << 32 | target
// of a pair onto this rank's slice [begin, end), counted in its row; ~0 for the others, which sort last.
static __global__ void draw_pairs(uint64_t seed, uint32_t stream, long long first_block, const unsigned long long* pair_start,
                                  int blocks, unsigned long long pairs, int n_pre, long long n_post, long long begin,
                                  long long end, unsigned long long* keys, unsigned long long* row_counts) {
  const unsigned long long t = static_cast<unsigned long long>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (t >= pairs) return;
  int low = 0, high = blocks - 1;  // the last block whose pairs start at or before t
  while (low < high) {
    const int mid = (low + high + 1) / 2;
    if (pair_start[mid] <= t) {
      low = mid;
    } else {
      high = mid - 1;
    }
  }
  uint32_t pre;
  int64_t post;
  total_number_pair(seed, stream, first_block + low, t - pair_start[low], n_pre, n_post, pre, post);
  if (post < begin || post >= end) {
    keys[t] = ~0ull;
    return;
  }
  keys[t] = static_cast<unsigned long long>(pre) << 32 | static_cast<unsigned long long>(post - begin);
  atomicAdd(row_counts + pre, 1ull);
}

// Sorted keys (above) to targets: the low 32 bits, in row order and ascending within a row.
static __global__ void targets_of_keys(const unsigned long long* keys, unsigned long long n, uint32_t* targets) {
  const unsigned long long t = static_cast<unsigned long long>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (t < n) targets[t] = static_cast<uint32_t>(keys[t]);
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
