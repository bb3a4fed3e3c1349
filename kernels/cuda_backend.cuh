// The CUDA backend's state and host side (docs/architecture.md, "Backends"): the same network as the
// CPU backend, on one NVIDIA GPU. Per step: one kernel updates every neuron (currents, traces, V,
// threshold, Poisson spikes) and applies the previous step's postsynaptic plasticity, one delivers every
// projection's spikes through its CSR rows (and applies the presynaptic plasticity); weight recording
// adds its own. A block of steps is captured once as a CUDA graph and replayed. What a block records
// goes to one of two record sets, so the host reads one block (and the run loop handles it) while the
// GPU runs the next; the block's spikes are sorted on the GPU into the CPU backend's order before they
// are copied. Its members are defined by part, each file mirroring one of src/cpu/: setup.cu, run.cu,
// readback.cu (the CPU's recording.cpp); limits.cu sizes what it needs. kernels/cuda_backend.hpp is
// its face to the engine. On several ranks (docs/architecture.md, "Running on several ranks") each
// rank's GPU holds its slice of every population and the synapses onto it; the steps of a block then
// run one by one, each step's spikes shared with the other ranks between the neuron update and delivery.
#pragma once

#include <cuda_runtime.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "eisim/cluster/communicator.hpp"
#include "eisim/cluster/partition.hpp"
#include "eisim/cluster/rank_recording.hpp"
#include "eisim/cluster/spike_exchange.hpp"
#include "eisim/engine/backend.hpp"
#include "kernels/cuda_device.hpp"
#include "kernels/device_buffer.hpp"
#include "kernels/tile_layout.hpp"
#include "kernels/views.cuh"
#include "src/engine/config_limits.hpp"

namespace eisim {

// Threads per block of the set-up and recording kernels.
constexpr int kThreads = 256;
constexpr int kRecordBlocks = 128;  // weight recording: kRecordBlocks * kThreads partial sums per sample

// The recording samples (steps that are multiples of `every`) among steps [first_step, first_step + count).
struct SampleRange {
  int64_t first;  // sample number: its step is first * every
  size_t count;
};
inline SampleRange samples_within(int64_t first_step, int64_t count, int64_t every) {
  const int64_t first = (first_step + every - 1) / every, last = (first_step + count - 1) / every;
  return SampleRange{first, last < first ? 0 : static_cast<size_t>(last - first + 1)};
}

inline unsigned int step_capacity(const PopulationSpec& pop) {
  // The most spikes a step can bring (the same bound keeps the fixed-point sums from overflowing);
  // more from a Poisson population is checked on device. The step's count is a 32-bit atomic.
  const double wanted = max_spikes_per_step(pop);
  return static_cast<unsigned int>(std::min(wanted, 4294967295.0));
}

template <typename Input>
class CudaBackend final : public Backend {
 public:
  CudaBackend(const NetworkSpec& spec, const Network& net, const BackendOptions& options);
  ~CudaBackend() override;
  BackendKind kind() const override { return BackendKind::cuda; }
  AccumulationMode mode() const override { return options_.mode; }
  std::string device() const override { return cuda_device_description(); }
  std::vector<float> weights(int projection) const override;
  std::vector<uint64_t> synapse_counts() const override;
  std::vector<ProjectionDelivery> projection_delivery() const override;
  std::vector<uint64_t> steps_at_lower_bound() const override;
  SampledSynapses sampled_synapses(int recording) const override;

 protected:
  void launch(int64_t first_step, int64_t count) override;
  void finish(BlockOutput& out) override;

 private:
  struct MembraneState {
    DeviceBuffer<float> V;
    int channels = 0;              // its incoming projections
    int ring = 1;                  // slots of the input rings (ring_slots)
    DeviceBuffer<int32_t> ring_slot;  // per step of a block: its slot
    DeviceBuffer<float> currents;  // [channel * n + neuron]
    DeviceBuffer<Input> inputs;    // [(channel * ring + slot) * n + neuron]
    DeviceBuffer<float> decays, gains;
    bool general = false;  // a refractory period, exact integration or a Poisson input: update_neurons<Input, true>
    DeviceBuffer<int32_t> refractory;  // per neuron, where the population has a refractory period
    DeviceBuffer<cuda::PoissonInputView<Input>> poisson_input;  // one, where it has a Poisson input
    DeviceBuffer<float> external;  // per step of a block
    DeviceBuffer<unsigned long long> at_bound;  // per neuron: steps the lower bound held V
    int trace = -1;                       // index of its TraceSpec
    DeviceBuffer<int32_t> trace_sample;   // per step of a block: the sample it records, or -1
    DeviceBuffer<int32_t> trace_slot;
  };
  struct PoissonState {
    DeviceBuffer<double> next_candidate_ms;
    DeviceBuffer<unsigned long long> candidates;
    DeviceBuffer<double> acceptance;  // per step of a block
  };
  struct ProjectionState {
    DeviceBuffer<unsigned long long> row_start;
    DeviceBuffer<uint32_t> targets;
    unsigned long long longest_row;
    DeviceBuffer<float> weights;      // per synapse where they are drawn (Connectivity::weight)
    DeviceBuffer<uint16_t> delays;    // the same (Connectivity::delay_steps)
    // Where the projection is delivered by tiles (tile_layout.hpp): their shape, the index, and the
    // local targets, which replace `targets`.
    TileGeometry tiles{};
    DeviceBuffer<uint32_t> tile_offset;
    DeviceBuffer<uint16_t> local;
  };
  struct PlasticState {
    int projection;
    PlasticityConstants constants;
    DeviceBuffer<float> weight;
    // Eligibility traces (cuda::EligibilityTraces): two buffers each, and the postsynaptic ones decayed.
    DeviceBuffer<float> y_pre, y_post, y_post_decayed;
    DeviceBuffer<unsigned long long> incoming_start, incoming_synapse;
    DeviceBuffer<uint32_t> incoming_pre;
    unsigned long long longest_column = 0;
    DeviceBuffer<unsigned int> weight_overflow;  // one flag: the rule drove a weight out of range
  };
  // What one block records, the graph that runs a whole block into it, and the event that says
  // the block is done.
  struct RecordSet {
    std::vector<DeviceBuffer<unsigned long long>> spike_keys;  // per population: up to size * block_steps spikes
    DeviceBuffer<unsigned long long> spike_counts;             // per population
    std::vector<DeviceBuffer<float>> traces;           // per TraceSpec
    std::vector<DeviceBuffer<__int128>> weight_sums;   // per WeightRecordingSpec: per-thread partial sums
    std::vector<DeviceBuffer<float>> weight_samples;   // per WeightRecordingSpec
    std::vector<cuda::PopulationGroup<Input>> population_groups;  // kernel parameters of update_neurons
    cudaGraphExec_t graph = nullptr;  // none on several ranks: the host exchanges spikes
    cudaEvent_t done = nullptr;
    int64_t first_step = 0, count = 0;
    std::vector<SpikeRecord> exchanged;  // several ranks, on rank 0: the block's spikes of every rank
  };
  cuda::SpikeList spike_list(int population) const;      // this rank's spikes of the step
  cuda::SpikeList all_spike_list(int population) const;  // several ranks: every rank's
  cuda::PresynapticTraceView presynaptic_trace_view(const PlasticState& p) const;
  cuda::PlasticView plastic_view(const PlasticState& p) const;
  cuda::PoissonInputView<Input> poisson_input_view(int population) const;
  void make_record_set(RecordSet& set);
  void make_exchange_buffers();
  void make_population_groups(RecordSet& set);
  void make_delivery_groups();
  void make_tiles(size_t k);
  void make_tile_groups();
  void make_postsynaptic_groups(int sms);
  ProjectionState build_on_device(size_t k);
  ProjectionState build_erdos_renyi_on_device(size_t k);
  ProjectionState build_total_number_on_device(size_t k);
  void index_columns(const ProjectionState& rows, int n_pre, int n_post, PlasticState& p);

  void enqueue_step(int s, int64_t count, const RecordSet& set);
  void enqueue_update(int s, const RecordSet& set);
  void enqueue_delivery(int s, int64_t count, const RecordSet& set);
  StepSpikes read_step_spikes(int s, const RecordSet& set);
  void clear_step_counts(int s, const RecordSet& set);
  void deliver_exchanged(int first, const std::vector<StepSpikes>& waiting, int64_t count, RecordSet& set);
  bool exchanging() const { return ranks_.size() > 1; }  // spikes cross ranks
  int local_size(size_t population) const { return static_cast<int>(partition_.populations[population].size()); }
  cudaGraphExec_t capture(int64_t steps, const RecordSet& set);
  void upload_block_inputs(int64_t first_step, int64_t count, const RecordSet& set);
  void read_block(RecordSet& set, BlockOutput& out);
  const unsigned long long* sort_on_device(unsigned long long* keys, size_t n);
  cuda::SpikeSink sink(int population, const RecordSet& set) const;
  const cuda::BlockClock* clock() const { return clock_.data(); }

  const NetworkSpec& spec_;
  BackendOptions options_;
  Communicator& ranks_;
  Partition partition_;
  cudaStream_t stream_ = nullptr;
  cudaStream_t readback_ = nullptr;  // sorts and copies a finished block while stream_ runs the next
  std::vector<MembraneState> membranes_;  // by population (empty for Poisson ones)
  std::vector<PoissonState> poissons_;    // by population (empty for membrane ones)
  std::vector<ProjectionState> projections_;
  std::vector<PlasticState> plastic_;
  std::vector<int> plastic_of_projection_;  // -1 for static projections
  std::vector<DeviceBuffer<unsigned long long>> weight_samples_;  // per WeightRecordingSpec: this rank's sampled synapses
  std::vector<RankWeightSample> rank_samples_;                    // and where they go among all ranks'
  std::vector<std::vector<__int128>> weight_sums_;               // per WeightRecordingSpec: a block's exact sums
  std::vector<int> traced_here_;  // per TraceSpec: how many of its neurons this rank holds
  std::vector<int> channel_of_projection_;
  std::vector<uint64_t> synapse_counts_;  // this rank's
  std::vector<DeviceBuffer<uint32_t>> step_spikes_;     // per population: 2 * step_capacity, by step parity
  DeviceBuffer<unsigned int> step_counts_;              // per population and parity: [2 a + parity]
  // Several ranks: every rank's spikes of a step (population indices), for delivery and presynaptic traces.
  std::vector<DeviceBuffer<uint32_t>> all_spikes_;  // per population: 2 * step_capacity, by step parity
  DeviceBuffer<unsigned int> all_counts_;           // [2 a + parity]
  // Their way through the host: this rank's counts [2 a + parity] and lists, every rank's counts and
  // lists; a population's list at list_offset_[a], list_capacity_[a] long (step_capacity), of
  // list_total_ in all. This rank's are reused each step: reading one waits for the GPU. Every rank's
  // are two sets, by step parity, each refilled once uploaded_[parity] says its copies are done.
  PinnedBuffer<unsigned int> host_counts_, host_all_counts_;
  PinnedBuffer<uint32_t> host_mine_, host_all_;
  std::array<cudaEvent_t, 2> uploaded_{};
  int64_t exchange_steps_ = 1;  // steps between exchanges (exchange_interval)
  size_t list_total_ = 0;
  std::vector<size_t> list_offset_;
  std::vector<unsigned int> list_capacity_;
  DeviceBuffer<unsigned int> overflow_;
  DeviceBuffer<cuda::BlockClock> clock_;
  std::vector<cuda::DeliveryGroup<Input>> delivery_groups_;  // kernel parameters of deliver_spikes
  std::vector<cuda::TileGroup<Input>> tile_groups_;          // and of deliver_tiles
  std::vector<cuda::PostsynapticGroup> postsynaptic_groups_;  // and of update_neurons
  PinnedBuffer<unsigned long long> host_spike_counts_;
  DeviceBuffer<unsigned long long> sort_alternate_;  // the radix sort's second buffer, grown as needed
  DeviceBuffer<unsigned char> sort_scratch_;
  int key_bits_ = 0;  // a spike key's significant bits: 32 for the neuron, then the step in its block
  std::array<RecordSet, 2> sets_;
  int64_t started_ = 0, collected_ = 0;  // blocks; block b uses sets_[b % 2]
  int delivery_blocks_ = 0;
  int tile_blocks_ = 0;  // deliver_tiles' grid: as many blocks as the SMs hold with their shared memory
};

// Each file that defines members of CudaBackend instantiates them for both accumulators.
#define EISIM_FOR_EACH_INPUT(INSTANTIATE) \
  INSTANTIATE(cuda::FixedInput)           \
  INSTANTIATE(float)

}  // namespace eisim
