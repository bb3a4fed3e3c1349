// What the CUDA kernels get from the host (docs/architecture.md, "Backends"): trivially copyable views
// of the backend's device buffers (pointers and sizes), grouped to travel as kernel parameters, and the
// constants that size the work. kernels/setup.cu builds them; the kernels only read them.
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
#pragma once

#include <cstdint>

#include "eisim/model/neuron.hpp"
#include "eisim/model/plasticity.hpp"
#include "eisim/model/poisson.hpp"
#include "eisim/model/synapse.hpp"

namespace eisim::cuda {

// Threads per block of the step kernels; a plastic chunk gives each of them one entry.
constexpr int kNeuronThreads = 256;
constexpr int kDeliveryThreads = 256;

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
  __device__ __forceinline__ const uint32_t* of(int parity) const {
    return spikes + static_cast<size_t>(parity) * capacity;
  }
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
__device__ __forceinline__ float channel_step(float I, float decay, float input) {
  return synaptic_current_step(I, decay, input);
}

// A population's Poisson input (its last channel): each neuron's count of the step (poisson_count), keyed
// by its index in the population, times the jump J / tau_syn.
template <typename Input>
struct PoissonInputView {
  uint64_t seed;
  uint32_t stream;
  uint32_t first_key;   // the population index of this rank's first neuron
  PoissonCount count;
  Input jump;
};

template <typename Input>
struct MembraneView {
  NeuronModel model;
  MembraneConstants c;
  float* V;
  int channels;
  int ring;              // slots of the input rings: step n's input is in slot n mod ring,
  const int32_t* ring_slot;  // given for each step of the block (no 64-bit division on the device)
  float* currents;       // [channel * n + neuron]
  Input* inputs;         // [(channel * ring + slot) * n + neuron]
  const float* decays;   // [channel]
  const float* gains;    // [channel]: each current's weight in the total input (synaptic_gain)
  int32_t* refractory;   // per neuron: steps left at V_re (null where c.ref_steps is 0)
  const PoissonInputView<Input>* poisson_input;  // in device memory (the parameters are full); null: none
  const float* external;  // I_ext at each step of the block
  unsigned long long* at_bound;  // per neuron: the steps whose V the lower bound held
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
  uint32_t first_key;  // the population index of this rank's first neuron: a neuron draws with its own
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
  int neurons;     // in all of them
  bool general;  // membrane populations with a refractory period, exact integration or a Poisson input:
                 // update_neurons<Input, true>
};

// A unit of work: up to this many entries of one spiking row, for one block. Long rows are cut
// into several, so a step's few hundred spikes keep every SM busy. Delivery's atomics wait for no
// answer, so a thread issues several back to back (global atomics run faster the more rows are in
// flight: bench/NOTES.md); a plastic update waits for its loads, so its chunks are one block wide.
constexpr unsigned int kDeliveryChunk = 1024;
constexpr unsigned int kPlasticChunk = 256;

// How many chunks of `chunk` entries the longest of a CSR structure's rows needs (at least 1).
inline unsigned int chunks_for(unsigned long long longest_row, unsigned int chunk) {
  return static_cast<unsigned int>(longest_row > chunk ? (longest_row + chunk - 1) / chunk : 1);
}

template <typename Input>
struct DeliveryView {
  SpikeList pre;
  unsigned int chunk_size;  // kDeliveryChunk, or kPlasticChunk for a plastic projection
  unsigned int chunks;      // per spiking row: chunks_for(the longest row, chunk_size)
  const unsigned long long* row_start;
  const uint32_t* targets;
  // The channel's input ring: a spike of step n with a delay of d steps goes to slot (n + d) mod ring,
  // at input + slot * slot_size.
  Input* input;
  unsigned int ring;
  const int32_t* ring_slot;  // the postsynaptic population's: slot of each step of the block
  unsigned int slot_size;  // the postsynaptic neurons of this rank
  unsigned int delay;      // steps, where every synapse has the same
  const uint16_t* delays;  // per synapse instead (drawn), or null
  Input jump;  // J / tau_syn of a projection of one weight
  // Per-synapse weights J instead of the jump (drawn, or plastic), or null; their jumps are
  // weight_jump_fixed(J, fixed_scale). A plastic projection's are updated by the presynaptic rule as
  // their spikes are delivered, with the postsynaptic traces.
  float* weights;
  double fixed_scale;
  const float* y_post_decayed;  // see EligibilityTraces; null: a static projection
  PlasticityConstants plasticity;
  unsigned int* weight_overflow;  // set when the rule drives a weight out of range (weight_in_range)
};

// Projections delivered by one launch, as a kernel parameter (as PopulationGroup).
constexpr int kProjectionsPerLaunch = 8;
template <typename Input>
struct DeliveryGroup {
  DeliveryView<Input> views[kProjectionsPerLaunch];
  int count;
  bool drawn;  // projections with drawn weights or delays, for deliver_spikes<Input, true>
};
static_assert(sizeof(DeliveryGroup<FixedInput>) <= 4096, "kernel parameters are limited to 4 KB");

// A projection delivered by postsynaptic tiles (kernels/tile_layout.hpp): its rows, sorted by target,
// cut where each tile of `tile_neurons` begins, and the targets as indices within their tile.
template <typename Input>
struct TileView {
  SpikeList pre;
  const unsigned long long* row_start;
  const uint32_t* tile_offset;  // [row * (tiles + 1) + t]: where tile t begins, from the row's start
  const uint16_t* local;        // per synapse: target - tile * tile_neurons
  unsigned int tiles, tile_neurons, tile_shift;  // tile_neurons = 1 << tile_shift
  unsigned int parts;  // blocks that share a tile's rows, each taking every parts-th spiking row
  // As DeliveryView's; the tile accumulates arrival steps first_delay .. first_delay + delay_slots - 1.
  Input* input;
  unsigned int ring;
  const int32_t* ring_slot;
  unsigned int slot_size;
  unsigned int first_delay, delay_slots;
  const uint16_t* delays;  // per synapse, or null: every synapse's delay is first_delay
  Input jump;
  const float* weights;    // per synapse, or null: every synapse's jump is `jump`
  double fixed_scale;
};

// Tile projections delivered by one launch: the blocks take (projection, tile, part) items in turn.
constexpr int kTileProjectionsPerLaunch = 8;
template <typename Input>
struct TileGroup {
  TileView<Input> views[kTileProjectionsPerLaunch];
  int count;
};
static_assert(sizeof(TileGroup<FixedInput>) <= 4096, "kernel parameters are limited to 4 KB");

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
  unsigned int* weight_overflow;  // as DeliveryView's
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

// Weight recording of one plastic projection: at sampled steps, per-thread partial sums of the exact
// terms (weight_sum_term; the host adds them) and the sampled synapses' weights.
struct WeightRecordView {
  const float* weight;
  unsigned long long synapses;
  const unsigned long long* sample;
  int sample_count;
  long long every;
  __int128* partial_sums;  // [sample][thread of the launch]
  float* sampled;          // [sample][sample_count]
};

// Several ranks: the presynaptic trace of every neuron of a plastic projection's presynaptic
// population, from every rank's spikes of the step (update_neurons keeps only the postsynaptic ones).
struct PresynapticTraceView {
  float* y;  // [parity * n + neuron]
  int n;
  float decay, jump;
  SpikeList all;  // every rank's spikes of the presynaptic population
};

}  // namespace eisim::cuda
