// CUDA backend: a step's spikes delivered along their presynaptic rows with atomics into the slot of
// the step they act at, and the presynaptic plasticity of plastic rows (docs/architecture.md, "Backends"). Mirrors
// src/cpu/spike_delivery.cpp.
#pragma once

#include "eisim/model/plasticity.hpp"
#include "eisim/model/synapse.hpp"
#include "kernels/views.cuh"

namespace eisim::cuda {

// This thread's share of chunk `chunk` (of `size` entries) of CSR row `row` (entries start[row] .. start[row + 1]).
template <typename Body>
__device__ __forceinline__ void for_each_in_chunk(const unsigned long long* start, uint32_t row,
                                                  unsigned long long chunk, unsigned int size, Body body) {
  const unsigned long long begin = start[row] + chunk * size;
  const unsigned long long end = min(begin + size, start[row + 1]);
  for (unsigned long long t = begin + threadIdx.x; t < end; t += blockDim.x) body(t);
}

// The jump J / tau_syn of a synapse's own weight J, in the accumulator's representation.
__device__ __forceinline__ FixedInput weight_jump(float J, double fixed_scale, FixedInput) {
  return static_cast<FixedInput>(weight_jump_fixed(J, fixed_scale));
}
__device__ __forceinline__ float weight_jump(float J, double fixed_scale, float) {
  return weight_jump_float(J, fixed_scale);
}

// A group of projections: the step's spiking rows, cut into chunks, are numbered across
// projections and dealt to the blocks (grid-stride); a chunk's targets go to the block's threads.
// Block 0 also empties the other parity's lists for the next step. Eight blocks per SM keep the
// most atomics in flight (ptxas: no spills under the bound).
// Projections with drawn weights or delays (kDrawn) have a kernel of their own, so that the others keep
// their few registers.
template <typename Input, bool kDrawn>
static __global__ void __launch_bounds__(kDeliveryThreads, 8)
    deliver_spikes(const __grid_constant__ DeliveryGroup<Input> group, unsigned int* counts, int populations,
                   const BlockClock* clock, int s) {
  const int parity = parity_of(step_of(clock, s));
  // Each projection's number of items this step: loads issued together (fixed bounds keep it in registers).
  unsigned long long items[kProjectionsPerLaunch];
  for (int k = 0; k < kProjectionsPerLaunch; ++k) {
    items[k] = k < group.count ? static_cast<unsigned long long>(group.views[k].pre.size(parity)) * group.views[k].chunks
                               : 0;
  }
  for (unsigned long long item = blockIdx.x;; item += gridDim.x) {
    int k = -1;
    unsigned long long local = 0, before = 0;  // the item's number within projection k; items before k's
    for (int q = 0; q < kProjectionsPerLaunch; ++q) {
      if (k < 0 && item < before + items[q]) {
        k = q;
        local = item - before;
      }
      before += items[q];
    }
    if (k < 0) break;
    const DeliveryView<Input> v = group.views[k];  // a copy, read once (see update_neurons)
    const uint32_t row = v.pre.of(parity)[local / v.chunks];
    // The slot of the step a delay reaches: (step + delay) mod ring, with delay in [1, ring].
    const unsigned int now = v.ring > 1 ? static_cast<unsigned int>(v.ring_slot[s]) : 0;
    const auto slot = [&](unsigned int delay) {
      const unsigned int q = now + delay;
      return v.input + static_cast<size_t>(q >= v.ring ? q - v.ring : q) * v.slot_size;
    };
    Input* const input = slot(v.delay);
    if constexpr (kDrawn) {
      for_each_in_chunk(v.row_start, row, local % v.chunks, v.chunk_size, [&](unsigned long long t) {
        Input* const to = v.delays ? slot(v.delays[t]) : input;
        atomicAdd(to + v.targets[t], v.weights ? weight_jump(v.weights[t], v.fixed_scale, Input(0)) : v.jump);
      });
    } else if (v.y_post_decayed) {
      for_each_in_chunk(v.row_start, row, local % v.chunks, v.chunk_size, [&](unsigned long long t) {
        const uint32_t target = v.targets[t];
        const float J = v.weights[t];
        atomicAdd(input + target, weight_jump(J, v.fixed_scale, Input(0)));
        const float updated = after_presynaptic_spike(J, v.y_post_decayed[target], v.plasticity);
        v.weights[t] = updated;
        if (!weight_in_range(updated, v.plasticity)) atomicOr(v.weight_overflow, 1u);
      });
    } else {
      for_each_in_chunk(v.row_start, row, local % v.chunks, v.chunk_size,
                        [&](unsigned long long t) { atomicAdd(input + v.targets[t], v.jump); });
    }
  }
  if (blockIdx.x == 0) {
    for (int a = threadIdx.x; a < populations; a += blockDim.x) counts[2 * a + (1 - parity)] = 0;
  }
}

}  // namespace eisim::cuda
