// CUDA backend: the postsynaptic side of the plasticity rule (book Eq. 4.1/4.2; docs/architecture.md,
// "Backends"). Mirrors src/cpu/plasticity.cpp.
#pragma once

#include "eisim/model/plasticity.hpp"
#include "kernels/views.cuh"

namespace eisim::cuda {

// Plasticity follows the CPU backend's order (src/cpu/plasticity.cpp, apply_plasticity): traces
// decay; presynaptic spikes update their rows with the postsynaptic traces (deliver_spikes, as it
// delivers a plastic row: step n-1's traces, decayed) and enter their own trace; postsynaptic
// spikes update their columns with the presynaptic traces (step n's, spikes included) and enter
// theirs. update_neurons writes the traces (EligibilityTraces). Rows (columns) of different spikes
// are disjoint, so no two threads write one weight.

// Block `block` of `blocks`: its share of the columns of a plastic projection's postsynaptic spikes
// of the step of parity `parity`, in chunks of kPlasticChunk entries, one entry to a thread. Each
// entry is three dependent trips to memory (column start, index, weight), so a thread takes
// kColumnChunksAtOnce chunks at a time and issues all their loads before its first store (see
// update_membrane). Different chunks hold different synapses, so the stores alias none of the loads.
constexpr int kColumnChunksAtOnce = 3;  // 4 makes update_neurons spill under its 64 registers
__device__ __forceinline__ void update_columns(const PlasticView& v, int parity, unsigned int block, unsigned int blocks) {
  const float* y_pre = v.y_pre + static_cast<size_t>(parity) * v.pre_n;
  const uint32_t* spikes = v.post.of(parity);
  const unsigned long long items = static_cast<unsigned long long>(v.post.size(parity)) * v.column_chunks;
  const unsigned long long stride = static_cast<unsigned long long>(blocks) * kColumnChunksAtOnce;
  for (unsigned long long first = block; first < items; first += stride) {
    unsigned long long entry[kColumnChunksAtOnce], synapse[kColumnChunksAtOnce];
    bool here[kColumnChunksAtOnce];  // whether this thread has an entry in that chunk
    float y[kColumnChunksAtOnce], J[kColumnChunksAtOnce];
    for (int q = 0; q < kColumnChunksAtOnce; ++q) {
      const unsigned long long item = first + static_cast<unsigned long long>(q) * blocks;
      here[q] = false;
      if (item < items) {
        const uint32_t column = spikes[item / v.column_chunks];
        entry[q] = v.incoming_start[column] + item % v.column_chunks * kPlasticChunk + threadIdx.x;
        here[q] = entry[q] < v.incoming_start[column + 1];
      }
    }
    for (int q = 0; q < kColumnChunksAtOnce; ++q) {
      if (here[q]) {
        synapse[q] = v.incoming_synapse[entry[q]];
        y[q] = y_pre[v.incoming_pre[entry[q]]];
      }
    }
    for (int q = 0; q < kColumnChunksAtOnce; ++q) {
      if (here[q]) J[q] = v.weight[synapse[q]];
    }
    for (int q = 0; q < kColumnChunksAtOnce; ++q) {
      if (here[q]) {
        const float updated = after_postsynaptic_spike(J[q], y[q], v.c);
        v.weight[synapse[q]] = updated;
        if (!weight_in_range(updated, v.c)) atomicOr(v.weight_overflow, 1u);
      }
    }
  }
}

// A block's last step: its postsynaptic updates, after its delivery.
static_assert(kNeuronThreads == kPlasticChunk && kDeliveryThreads == kPlasticChunk,
              "update_columns gives each thread one entry of a chunk");
static __global__ void postsynaptic_updates(PlasticView v, const BlockClock* clock, int s) {
  update_columns(v, parity_of(step_of(clock, s)), blockIdx.x, gridDim.x);
}

// Several ranks: step n's presynaptic traces of every neuron, as update_neurons makes them on one rank:
// decay (one thread per neuron), then each of the step's spikes enters its neuron's trace.
static __global__ void decay_presynaptic_traces(PresynapticTraceView v, const BlockClock* clock, int s) {
  const long long i = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= v.n) return;
  const size_t now = static_cast<size_t>(parity_of(step_of(clock, s))) * v.n, before = static_cast<size_t>(v.n) - now;
  v.y[now + i] = trace_decayed(v.y[before + i], v.decay);
}

static __global__ void add_presynaptic_spikes(PresynapticTraceView v, const BlockClock* clock, int s) {
  const int parity = parity_of(step_of(clock, s));
  const unsigned int k = blockIdx.x * blockDim.x + threadIdx.x;
  if (k >= v.all.size(parity)) return;
  float* y = v.y + static_cast<size_t>(parity) * v.n + v.all.of(parity)[k];
  *y = trace_after_spike(*y, v.jump);  // a neuron spikes at most once a step: no two threads meet
}

}  // namespace eisim::cuda
