// CUDA backend: a step's spikes delivered by postsynaptic tiles (kernels/tile_layout.hpp;
// docs/architecture.md, "Delivery by tiles"). Mirrors src/cpu/spike_delivery.cpp, whose rows hold the
// same synapses in the same order: the fixed-point sums are the same, whatever the order of addition.
#pragma once

#include "eisim/engine/backend.hpp"
#include "kernels/block_phases.cuh"
#include "kernels/spike_delivery.cuh"
#include "kernels/tile_layout.hpp"
#include "kernels/views.cuh"

namespace eisim::cuda {

constexpr unsigned int kWarp = 32;

// Blocks take (projection, tile, part) items in turn. For an item a block adds into its shared
// accumulators (one per tile neuron and arrival step) the tile's synapses of the spiking rows its part
// takes (a warp per row, its lanes along the row's stretch in the tile), then adds each nonzero sum to
// the input ring once and zeroes it for the next item. Several parts of a tile add to the ring with
// global atomics.
template <typename Input>
static __global__ void __launch_bounds__(kDeliveryThreads)
    deliver_tiles(const __grid_constant__ TileGroup<Input> group, const BlockClock* clock, int s) {
  __shared__ Input sum[kTileAccumulators];
  const int parity = parity_of(step_of(clock, s));
  unsigned long long items = 0;
  for (int k = 0; k < group.count; ++k) items += static_cast<unsigned long long>(group.views[k].tiles) * group.views[k].parts;
  if (blockIdx.x >= items) return;  // a block without items (the same for all its threads)
  block_phases([&] {
    for (unsigned int a = threadIdx.x; a < kTileAccumulators; a += blockDim.x) sum[a] = Input(0);
  });
  for (unsigned long long item = blockIdx.x; item < items; item += gridDim.x) {
    int k = 0;
    unsigned long long local_item = item;
    while (local_item >= static_cast<unsigned long long>(group.views[k].tiles) * group.views[k].parts) {
      local_item -= static_cast<unsigned long long>(group.views[k].tiles) * group.views[k].parts;
      ++k;
    }
    const TileView<Input>& v = group.views[k];
    const unsigned int tile = static_cast<unsigned int>(local_item / v.parts);
    const unsigned int part = static_cast<unsigned int>(local_item % v.parts);
    const unsigned int rows = v.pre.size(parity);
    if (part >= rows) continue;  // a part without rows this step (the same for the whole block)
    block_phases(
        [&] {
          const uint32_t* spiking = v.pre.of(parity);
          const unsigned int warps = blockDim.x / kWarp, lane = threadIdx.x % kWarp;
          for (unsigned int i = part * warps + threadIdx.x / kWarp; i < rows; i += v.parts * warps) {
            const uint32_t row = spiking[i];
            const unsigned long long base = v.row_start[row];
            const uint32_t* offset = v.tile_offset + static_cast<size_t>(row) * (v.tiles + 1) + tile;
            const unsigned long long end = base + offset[1];
            for (unsigned long long t = base + offset[0] + lane; t < end; t += kWarp) {
              const unsigned int slot = v.delays ? v.delays[t] - v.first_delay : 0;
              atomicAdd(&sum[slot * v.tile_neurons + v.local[t]],
                        v.weights ? weight_jump(v.weights[t], v.fixed_scale, Input(0)) : v.jump);
            }
          }
        },
        [&] {
          const unsigned int now = v.ring > 1 ? static_cast<unsigned int>(v.ring_slot[s]) : 0;
          for (unsigned int a = threadIdx.x; a < v.tile_neurons * v.delay_slots; a += blockDim.x) {
            const Input value = sum[a];
            if (value == Input(0)) continue;
            sum[a] = Input(0);
            // (step + delay) mod ring, with delay in [1, ring].
            const unsigned int q = now + v.first_delay + a / v.tile_neurons;
            const size_t neuron = (static_cast<size_t>(tile) << v.tile_shift) + a % v.tile_neurons;
            atomicAdd(v.input + static_cast<size_t>(q >= v.ring ? q - v.ring : q) * v.slot_size + neuron, value);
          }
        });
  }
}

}  // namespace eisim::cuda
