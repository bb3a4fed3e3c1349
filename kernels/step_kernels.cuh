// The per-step kernels of the CUDA backend. They implement exactly what src/cpu_backend.cpp does,
// through the same model_math.hpp functions; views are trivially copyable structs of pointers.
//
// A step is two launches, plastic or not (plus weight recording where configured): one thread per
// neuron of every population, whose launch also runs the previous step's postsynaptic updates in
// blocks of its own, then the delivery of every projection (a launch per kPopulationsPerLaunch
// populations or kProjectionsPerLaunch projections). The last step of a block runs its postsynaptic
// updates in a launch after delivery, so a finished block leaves nothing pending. Each kernel gets
// the step's position s in its block as an argument and the block's first step from device memory,
// so a block of steps is captured once as a CUDA graph and replayed. Spike lists and eligibility
// traces are double-buffered by the parity of the step: step n's are read while step n+1 fills the
// others.
//
// Kernels are launched through kernel_launch.hpp, so tests/emulated_gpu can also run them as host code.
#pragma once

#include <cstdint>

#include "eisim/config.hpp"
#include "eisim/model_math.hpp"

namespace eisim::cuda {

struct BlockClock {
  long long block_first;  // first step of the current block: per-step host inputs are indexed from it
};

__device__ __forceinline__ long long step_of(const BlockClock* clock, int s) { return clock->block_first + s; }
__device__ __forceinline__ int parity_of(long long step) { return static_cast<int>(step & 1); }

// A population's spike list of one step, double-buffered: spikes[parity * capacity + k], count[parity].
struct SpikeList {
  uint32_t* spikes;
  unsigned int* count;
  unsigned int capacity;

  __device__ __forceinline__ unsigned int size(int parity) const { return min(count[parity], capacity); }
  __device__ __forceinline__ const uint32_t* of(int parity) const { return spikes + parity * capacity; }
};

// Where a population's spikes go: this step's list (for delivery) and the block's record (for the host).
struct SpikeSink {
  SpikeList list;
  unsigned long long* record_key;  // (step - block_first) << 32 | neuron, sortable: step, then neuron
  unsigned long long* record_count;
  unsigned long long record_capacity;
  unsigned int* overflow;  // set when a list was too small; the host stops the run
};

// Synaptic input accumulators: 64-bit fixed point (deterministic) or float (fast).
using FixedInput = unsigned long long;  // two's complement of the int64 fixed point, for atomicAdd

__device__ __forceinline__ float channel_step(float I, float decay, FixedInput input) {
  return synaptic_current_step(I, decay, static_cast<int64_t>(input));
}
__device__ __forceinline__ float channel_step(float I, float decay, float input) { return I * decay + input; }

template <typename Input>
struct MembraneView {
  NeuronModel model;
  MembraneConstants c;
  float* V;
  int channels;
  float* currents;       // [channel * n + neuron]
  Input* inputs;         // [channel * n + neuron]
  const float* decays;   // [channel]
  const float* external;  // I_ext at each step of the block
  // Traces: the sample each step of the block fills (-1: none), and the slot of each neuron in the
  // TraceSpec's list (-1: not traced); both null when the population is untraced.
  const int32_t* trace_sample;
  const int32_t* trace_slot;
  int trace_neurons;
  float* trace_buffer;  // [sample][slot][V, I_0, ..., I_{channels-1}]
};

struct PoissonView {
  uint64_t seed;
  uint32_t stream;
  double dt;
  double max_per_ms;
  double* next_candidate_ms;
  unsigned long long* candidates;
  const double* acceptance;  // r(t_n) / r_max at each step of the block
};

// The eligibility traces (book Eq. 4.1) a population's neurons carry for plastic projections, one
// per projection it sends or receives. update_neurons makes step n's from step n-1's, as the CPU
// does: decay, then the neuron's spike. Each trace is two buffers by step parity, y[parity * n +
// neuron], since the postsynaptic rule reads step n-1's while the same launch writes step n's; a
// postsynaptic side also keeps step n-1's decayed, without step n's spike, for the presynaptic rule.
constexpr int kEligibilityTracesPerPopulation = 4;
struct EligibilityTraces {
  int count;
  float* y[kEligibilityTracesPerPopulation];
  float* decayed[kEligibilityTracesPerPopulation];  // null on a presynaptic side
  float decay[kEligibilityTracesPerPopulation];
  float jump[kEligibilityTracesPerPopulation];
};

// One population: neurons [first, first + n) of the launch, a membrane or a Poisson population.
template <typename Input>
struct PopulationView {
  int first;
  int n;
  bool poisson;
  MembraneView<Input> membrane;
  PoissonView source;
  SpikeSink sink;
  EligibilityTraces eligibility;
};

// Populations updated by one launch, as a kernel parameter; each thread copies its population's
// view once (see update_neurons).
constexpr int kPopulationsPerLaunch = 8;
template <typename Input>
struct PopulationGroup {
  PopulationView<Input> pops[kPopulationsPerLaunch];
  int count;
  int neurons;  // in all of them
};

// A unit of work: up to this many entries of one spiking row, for one block. Long rows are cut
// into several, so a step's few hundred spikes keep every SM busy. Delivery's atomics wait for no
// answer, so a thread issues several back to back (DESIGN.md §4: global atomics run faster the more
// rows are in flight); a plastic update waits for its loads, so its chunks are one block wide.
constexpr unsigned int kDeliveryChunk = 1024;
constexpr unsigned int kPlasticChunk = 256;

// How many chunks of `chunk` entries the longest of a CSR structure's rows needs (at least 1).
inline unsigned int chunks_for(unsigned long long longest_row, unsigned int chunk) {
  return static_cast<unsigned int>(longest_row > chunk ? (longest_row + chunk - 1) / chunk : 1);
}

// This thread's share of chunk `chunk` (of `size` entries) of CSR row `row` (entries start[row] .. start[row + 1]).
template <typename Body>
__device__ __forceinline__ void for_each_in_chunk(const unsigned long long* start, uint32_t row,
                                                  unsigned long long chunk, unsigned int size, Body body) {
  const unsigned long long begin = start[row] + chunk * size;
  const unsigned long long end = min(begin + size, start[row + 1]);
  for (unsigned long long t = begin + threadIdx.x; t < end; t += blockDim.x) body(t);
}

template <typename Input>
struct DeliveryView {
  SpikeList pre;
  unsigned int chunk_size;  // kDeliveryChunk, or kPlasticChunk for a plastic projection
  unsigned int chunks;      // per spiking row: chunks_for(the longest row, chunk_size)
  const unsigned long long* row_start;
  const uint32_t* targets;
  Input* input;
  Input jump;  // a static projection's J / tau_syn
  // A plastic projection (null pointers otherwise): per-synapse weights J instead of the jump,
  // updated by the presynaptic rule as their spikes are delivered with the postsynaptic traces.
  float* weights;
  const float* y_post_decayed;  // see EligibilityTraces
  PlasticityConstants plasticity;
};

// Projections delivered by one launch, as a kernel parameter (as PopulationGroup).
constexpr int kProjectionsPerLaunch = 8;
template <typename Input>
struct DeliveryGroup {
  DeliveryView<Input> views[kProjectionsPerLaunch];
  int count;
};
static_assert(sizeof(DeliveryGroup<FixedInput>) <= 4096, "kernel parameters are limited to 4 KB");

// A plastic projection's jump J / tau_syn for a weight J, in the accumulator's representation.
__device__ __forceinline__ FixedInput plastic_jump(float J, const PlasticityConstants& c, FixedInput) {
  return static_cast<FixedInput>(plastic_jump_fixed(J, c));
}
__device__ __forceinline__ float plastic_jump(float J, const PlasticityConstants& c, float) {
  return static_cast<float>(static_cast<double>(J) * (c.fixed_scale * (1.0 / 4294967296.0)));
}

// A plastic projection's postsynaptic side: its postsynaptic-major index, weights and presynaptic traces.
struct PlasticView {
  SpikeList post;
  unsigned int column_chunks;  // chunks_for(the longest column, kPlasticChunk)
  const unsigned long long* incoming_start;
  const unsigned long long* incoming_synapse;
  const uint32_t* incoming_pre;
  float* weight;
  const float* y_pre;  // [parity * pre_n + neuron] (see EligibilityTraces)
  int pre_n;
  PlasticityConstants c;
};

// The plastic projections whose postsynaptic updates of the previous step ride along with one
// update_neurons launch, in blocks [0, blocks) of it (none: count 0). Those blocks go first, so
// their chains of dependent loads start first; they take half of the four blocks an SM holds, and
// the neurons start in the other half.
constexpr int kPlasticPerLaunch = 4;
constexpr unsigned int kPostsynapticBlocksPerSm = 2;
struct PostsynapticGroup {
  PlasticView views[kPlasticPerLaunch];
  int count;
  unsigned int blocks;
};
static_assert(sizeof(PopulationGroup<FixedInput>) + sizeof(PostsynapticGroup) <= 4000,
              "update_neurons' parameters are limited to 4 KB");

// Weight recording of one plastic projection: at sampled steps, per-thread partial sums (the host
// adds them in order) and the sampled synapses' weights.
struct WeightRecordView {
  const float* weight;
  unsigned long long synapses;
  const unsigned long long* sample;
  int sample_count;
  long long every;
  double* partial_sums;  // [sample][thread of the launch]
  float* sampled;        // [sample][sample_count]
};

__device__ __forceinline__ void append_spike(const SpikeSink& sink, int parity, uint32_t neuron, int local_step) {
  const unsigned int slot = atomicAdd(sink.list.count + parity, 1u);
  if (slot < sink.list.capacity) {
    sink.list.spikes[parity * sink.list.capacity + slot] = neuron;
  } else {
    atomicOr(sink.overflow, 1u);
  }
  const unsigned long long record = atomicAdd(sink.record_count, 1ull);
  if (record < sink.record_capacity) {
    sink.record_key[record] = static_cast<unsigned long long>(local_step) << 32 | neuron;
  }  // the host sees record_count > record_capacity and stops the run
}

// Returns whether the neuron spiked.
template <typename Input>
__device__ __forceinline__ bool update_membrane(const MembraneView<Input>& p, const SpikeSink& sink, int j, int n,
                                                long long step, int s) {
  // Every load is issued before the first store, up to kChannelsAtOnce channels at a time: a load
  // after a store that might alias it waits for the one before, and each wait is a trip to memory.
  constexpr int kChannelsAtOnce = 3;
  float V = p.V[j];
  const int sample = p.trace_sample ? p.trace_sample[s] : -1;
  // Currents at t_n: decay, plus the jumps of the last step's spikes (same order as the CPU's sum).
  float total = p.external[s];
  for (int first = 0; first < p.channels; first += kChannelsAtOnce) {
    float I[kChannelsAtOnce], decay[kChannelsAtOnce];
    Input input[kChannelsAtOnce];
    for (int q = 0; q < kChannelsAtOnce; ++q) {
      if (first + q < p.channels) {
        I[q] = p.currents[static_cast<size_t>(first + q) * n + j];
        input[q] = p.inputs[static_cast<size_t>(first + q) * n + j];
        decay[q] = p.decays[first + q];
      }
    }
    for (int q = 0; q < kChannelsAtOnce; ++q) {
      if (first + q < p.channels) {
        I[q] = channel_step(I[q], decay[q], input[q]);
        p.inputs[static_cast<size_t>(first + q) * n + j] = Input(0);
        p.currents[static_cast<size_t>(first + q) * n + j] = I[q];
        total += I[q];
      }
    }
  }
  if (sample >= 0 && p.trace_slot[j] >= 0) {
    float* out = p.trace_buffer + (static_cast<size_t>(sample) * p.trace_neurons + p.trace_slot[j]) * (1 + p.channels);
    out[0] = V;
    for (int ch = 0; ch < p.channels; ++ch) out[1 + ch] = p.currents[static_cast<size_t>(ch) * n + j];
  }
  if (p.model == NeuronModel::leaky_integrator) {
    p.V[j] = leaky_euler(V, total, p.c);
    return false;
  }
  V = bound_below(p.model == NeuronModel::eif ? eif_euler(V, total, p.c) : leaky_euler(V, total, p.c), p.c);
  const bool spiked = crosses_threshold(V, p.c);
  if (spiked) {
    V = p.c.V_re;
    append_spike(sink, parity_of(step), static_cast<uint32_t>(j), s);
  }
  p.V[j] = V;
  return spiked;
}

__device__ __forceinline__ void emit_poisson(const PoissonView& p, const SpikeSink& sink, int j, long long step, int s) {
  const double step_end = static_cast<double>(step + 1) * p.dt;
  double next = p.next_candidate_ms[j];
  if (!(next < step_end)) return;
  unsigned long long k = p.candidates[j];
  const double accept = p.acceptance[s];
  while (next < step_end) {
    if (poisson_candidate_accepted(p.seed, p.stream, static_cast<uint32_t>(j), k, accept)) {
      append_spike(sink, parity_of(step), static_cast<uint32_t>(j), s);
    }
    k += 1;
    next += poisson_candidate_interval_ms(p.seed, p.stream, static_cast<uint32_t>(j), k, p.max_per_ms);
  }
  p.next_candidate_ms[j] = next;
  p.candidates[j] = k;
}

// Plasticity follows the CPU backend's order (src/cpu_backend.cpp, apply_plasticity): traces
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
      if (here[q]) v.weight[synapse[q]] = after_postsynaptic_spike(J[q], y[q], v.c);
    }
  }
}

// One thread per neuron of a group of populations, after the blocks that run the previous step's
// postsynaptic updates: those touch only weights and read step n-1's presynaptic traces, which
// nothing here writes, so they overlap the neuron update instead of taking a launch of their own.
// Four blocks per SM: ptxas fits the kernel in 64 registers without spills (79 unbounded).
constexpr int kNeuronThreads = 256;
template <typename Input>
static __global__ void __launch_bounds__(kNeuronThreads, 4)
    update_neurons(const __grid_constant__ PopulationGroup<Input> group, const __grid_constant__ PostsynapticGroup columns,
                   const BlockClock* clock, int s) {
  const long long step = step_of(clock, s);
  if (blockIdx.x < columns.blocks) {
    for (int k = 0; k < columns.count; ++k) {
      const PlasticView v = columns.views[k];  // a copy, read once (see below)
      update_columns(v, 1 - parity_of(step), blockIdx.x, columns.blocks);
    }
    return;
  }
  const int g = (blockIdx.x - columns.blocks) * blockDim.x + threadIdx.x;
  if (g >= group.neurons) return;
  int a = 0;
  while (a + 1 < group.count && g >= group.pops[a + 1].first) ++a;
  // A copy, read once: fields read through the parameter's address wait on memory each time,
  // again after every store (ncu on an H100: 96% of the time stalled on such loads).
  const PopulationView<Input> p = group.pops[a];
  const int j = g - p.first;
  bool spiked = false;
  if (p.poisson) {
    emit_poisson(p.source, p.sink, j, step, s);  // plasticity needs membranes on both sides: no traces
  } else {
    spiked = update_membrane(p.membrane, p.sink, j, p.n, step, s);
  }
  // Read only now, and only where there are traces: held from the start they would spill.
  const EligibilityTraces& eligibility = group.pops[a].eligibility;
  const size_t now = static_cast<size_t>(parity_of(step)) * p.n, before = static_cast<size_t>(p.n) - now;
  for (int e = 0; e < kEligibilityTracesPerPopulation; ++e) {
    if (e < p.eligibility.count) {
      float* y = eligibility.y[e];
      const float decayed = y[before + j] * eligibility.decay[e];
      if (eligibility.decayed[e]) eligibility.decayed[e][j] = decayed;
      y[now + j] = spiked ? decayed + eligibility.jump[e] : decayed;
    }
  }
}

// A group of projections: the step's spiking rows, cut into chunks, are numbered across
// projections and dealt to the blocks (grid-stride); a chunk's targets go to the block's threads.
// Block 0 also empties the other parity's lists for the next step. Eight blocks per SM keep the
// most atomics in flight (ptxas: no spills under the bound).
constexpr int kDeliveryThreads = 256;
template <typename Input>
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
    if (v.weights) {
      for_each_in_chunk(v.row_start, row, local % v.chunks, v.chunk_size, [&](unsigned long long t) {
        const uint32_t target = v.targets[t];
        const float J = v.weights[t];
        atomicAdd(v.input + target, plastic_jump(J, v.plasticity, Input(0)));
        v.weights[t] = after_presynaptic_spike(J, v.y_post_decayed[target], v.plasticity);
      });
    } else {
      for_each_in_chunk(v.row_start, row, local % v.chunks, v.chunk_size,
                        [&](unsigned long long t) { atomicAdd(v.input + v.targets[t], v.jump); });
    }
  }
  if (blockIdx.x == 0) {
    for (int a = threadIdx.x; a < populations; a += blockDim.x) counts[2 * a + (1 - parity)] = 0;
  }
}

// A block's last step: its postsynaptic updates, after its delivery.
static_assert(kNeuronThreads == kPlasticChunk && kDeliveryThreads == kPlasticChunk,
              "update_columns gives each thread one entry of a chunk");
static __global__ void postsynaptic_updates(PlasticView v, const BlockClock* clock, int s) {
  update_columns(v, parity_of(step_of(clock, s)), blockIdx.x, gridDim.x);
}

static __global__ void record_weights(WeightRecordView v, const BlockClock* clock, int s) {
  const long long step = step_of(clock, s);
  if (step % v.every != 0) return;
  const long long sample = step / v.every - (clock->block_first + v.every - 1) / v.every;
  const unsigned long long thread = blockIdx.x * blockDim.x + threadIdx.x;
  const unsigned long long threads = gridDim.x * blockDim.x;
  double sum = 0.0;
  for (unsigned long long i = thread; i < v.synapses; i += threads) sum += v.weight[i];
  v.partial_sums[sample * threads + thread] = sum;
  if (thread < static_cast<unsigned long long>(v.sample_count)) {
    v.sampled[sample * v.sample_count + thread] = v.weight[v.sample[thread]];
  }
}

}  // namespace eisim::cuda
