// The CUDA backend. Per step: one kernel updates every neuron (currents, traces, V, threshold,
// Poisson spikes) and applies the previous step's postsynaptic plasticity, one delivers every
// projection's spikes through its CSR rows (and applies the presynaptic plasticity); weight
// recording adds its own. A block of steps is captured once as a CUDA graph and replayed.
// What a block records goes to one of two record sets, so the host reads one block (and the run
// loop handles it) while the GPU runs the next; the block's spikes are sorted on the GPU into the
// CPU backend's order before they are copied.
#include <algorithm>
#include <array>
#include <numeric>
#include <sstream>
#include <string>
#include <utility>

#include "cuda_backend.hpp"
#include "cuda_device.hpp"
#include "device_buffer.hpp"
#include "kernel_launch.hpp"
#include "eisim/backend_setup.hpp"
#include "eisim/random.hpp"
#include "build_kernels.cuh"
#include "step_kernels.cuh"

#include <cub/device/device_radix_sort.cuh>
#include <cub/device/device_scan.cuh>

namespace eisim {
namespace {

constexpr int kThreads = 256;
constexpr int kRecordBlocks = 128;  // weight recording: kRecordBlocks * kThreads partial sums per sample

std::vector<unsigned long long> as_ull(const std::vector<uint64_t>& values) {
  return std::vector<unsigned long long>(values.begin(), values.end());
}

int blocks_for(int64_t n) { return static_cast<int>((n + kThreads - 1) / kThreads); }

// The most entries of any row of a CSR structure, from its row starts.
uint64_t longest_row(const std::vector<uint64_t>& start) {
  uint64_t longest = 0;
  for (size_t i = 0; i + 1 < start.size(); ++i) longest = std::max(longest, start[i + 1] - start[i]);
  return longest;
}

std::string gib(double bytes) {
  std::ostringstream out;
  out.precision(3);
  out << bytes / (1024.0 * 1024.0 * 1024.0) << " GiB";
  return out.str();
}

// The recording samples (steps that are multiples of `every`) among steps [first_step, first_step + count).
struct SampleRange {
  int64_t first;  // sample number: its step is first * every
  size_t count;
};
SampleRange samples_within(int64_t first_step, int64_t count, int64_t every) {
  const int64_t first = (first_step + every - 1) / every, last = (first_step + count - 1) / every;
  return SampleRange{first, last < first ? 0 : static_cast<size_t>(last - first + 1)};
}

// Exclusive sum of counts[0, n) into n + 1 starts; counts[n] must be 0, so the last start is the total.
DeviceBuffer<unsigned long long> starts_from_counts(const DeviceBuffer<unsigned long long>& counts, size_t n,
                                                    unsigned long long& total) {
  DeviceBuffer<unsigned long long> start(n + 1);
  size_t scratch_bytes = 0;
  cuda_check(cub::DeviceScan::ExclusiveSum(nullptr, scratch_bytes, counts.data(), start.data(), n + 1), "scan size");
  DeviceBuffer<unsigned char> scratch(std::max<size_t>(scratch_bytes, 1));
  cuda_check(cub::DeviceScan::ExclusiveSum(scratch.data(), scratch_bytes, counts.data(), start.data(), n + 1),
             "scan counts");
  cuda_check(cudaMemcpy(&total, start.data() + n, sizeof total, cudaMemcpyDeviceToHost), "read the total count");
  return start;
}

// For each step of a block, the trace sample it records (numbered from the block's first), or -1.
std::vector<int32_t> sample_of_each_step(int64_t first_step, int64_t count, int64_t every) {
  const int64_t first_sample = samples_within(first_step, count, every).first;
  std::vector<int32_t> sample(static_cast<size_t>(count), -1);
  for (int64_t s = 0; s < count; ++s) {
    if ((first_step + s) % every == 0) sample[s] = static_cast<int32_t>((first_step + s) / every - first_sample);
  }
  return sample;
}

unsigned int step_capacity(const PopulationSpec& pop) {
  // A membrane neuron spikes at most once a step; a Poisson neuron rarely more (checked on device).
  return static_cast<unsigned int>(pop.model == NeuronModel::poisson ? 2 * pop.size + 1024 : pop.size);
}

template <typename Input>
class CudaBackend final : public Backend {
 public:
  CudaBackend(const NetworkSpec& spec, const Network& net, const BackendOptions& options);
  ~CudaBackend() override;
  std::string name() const override { return "cuda"; }
  AccumulationMode mode() const override { return options_.mode; }
  std::string device() const override { return cuda_device_description(); }
  std::vector<float> weights(int projection) const override;
  std::vector<uint64_t> synapse_counts() const override { return synapse_counts_; }
  SampledSynapses sampled_synapses(const WeightRecordingSpec& w) const override;

 protected:
  void launch(int64_t first_step, int64_t count) override;
  void finish(BlockOutput& out) override;

 private:
  struct MembraneState {
    DeviceBuffer<float> V;
    int channels = 0;              // its incoming projections
    DeviceBuffer<float> currents;  // [channel * n + neuron]
    DeviceBuffer<Input> inputs;    // [channel * n + neuron]
    DeviceBuffer<float> decays;
    DeviceBuffer<float> external;  // per step of a block
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
  };
  // What one block records, the graph that runs a whole block into it, and the event that says
  // the block is done.
  struct RecordSet {
    std::vector<DeviceBuffer<unsigned long long>> spike_keys;  // per population: up to size * block_steps spikes
    DeviceBuffer<unsigned long long> spike_counts;             // per population
    std::vector<DeviceBuffer<float>> traces;           // per TraceSpec
    std::vector<DeviceBuffer<double>> weight_sums;     // per WeightRecordingSpec: per-thread partial sums
    std::vector<DeviceBuffer<float>> weight_samples;   // per WeightRecordingSpec
    std::vector<cuda::PopulationGroup<Input>> population_groups;  // kernel parameters of update_neurons
    cudaGraphExec_t graph = nullptr;
    cudaEvent_t done = nullptr;
    int64_t first_step = 0, count = 0;
  };
  cuda::SpikeList spike_list(int population) const;
  cuda::PlasticView plastic_view(const PlasticState& p) const;
  void make_record_set(RecordSet& set);
  void make_population_groups(RecordSet& set);
  void make_delivery_groups();
  void make_postsynaptic_groups(int sms);
  ProjectionState build_on_device(size_t k);
  void index_columns(const ProjectionState& rows, int n_pre, int n_post, PlasticState& p);

  void enqueue_step(int s, int64_t count, const RecordSet& set);
  cudaGraphExec_t capture(int64_t steps, const RecordSet& set);
  void upload_block_inputs(int64_t first_step, int64_t count, const RecordSet& set);
  void read_block(const RecordSet& set, BlockOutput& out);
  const unsigned long long* sort_on_device(unsigned long long* keys, size_t n);
  cuda::SpikeSink sink(int population, const RecordSet& set) const;
  const cuda::BlockClock* clock() const { return clock_.data(); }

  const NetworkSpec& spec_;
  BackendOptions options_;
  cudaStream_t stream_ = nullptr;
  cudaStream_t readback_ = nullptr;  // sorts and copies a finished block while stream_ runs the next
  std::vector<MembraneState> membranes_;  // by population (empty for Poisson ones)
  std::vector<PoissonState> poissons_;    // by population (empty for membrane ones)
  std::vector<ProjectionState> projections_;
  std::vector<PlasticState> plastic_;
  std::vector<int> plastic_of_projection_;  // -1 for static projections
  std::vector<DeviceBuffer<unsigned long long>> weight_samples_;  // per WeightRecordingSpec: sampled synapses
  std::vector<int> channel_of_projection_;
  std::vector<uint64_t> synapse_counts_;
  std::vector<DeviceBuffer<uint32_t>> step_spikes_;     // per population: 2 * step_capacity, by step parity
  DeviceBuffer<unsigned int> step_counts_;              // per population and parity: [2 a + parity]
  DeviceBuffer<unsigned int> overflow_;
  DeviceBuffer<cuda::BlockClock> clock_;
  std::vector<cuda::DeliveryGroup<Input>> delivery_groups_;  // kernel parameters of deliver_spikes
  std::vector<cuda::PostsynapticGroup> postsynaptic_groups_;  // and of update_neurons
  PinnedBuffer<unsigned long long> host_spike_counts_;
  DeviceBuffer<unsigned long long> sort_alternate_;  // the radix sort's second buffer, grown as needed
  DeviceBuffer<unsigned char> sort_scratch_;
  int key_bits_ = 0;  // a spike key's significant bits: 32 for the neuron, then the step in its block
  std::array<RecordSet, 2> sets_;
  int64_t started_ = 0, collected_ = 0;  // blocks; block b uses sets_[b % 2]
  int delivery_blocks_ = 0;
};

template <typename Input>
Input jump_of(const ProjectionSpec& proj);
template <>
cuda::FixedInput jump_of<cuda::FixedInput>(const ProjectionSpec& proj) {
  return static_cast<cuda::FixedInput>(jump_fixed(proj));
}
template <>
float jump_of<float>(const ProjectionSpec& proj) {
  return jump_float(proj);
}

template <typename Input>
CudaBackend<Input>::CudaBackend(const NetworkSpec& spec, const Network& net, const BackendOptions& options)
    : spec_(spec), options_(options) {
  check_gpu_support(spec);
  cuda_check(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking), "cudaStreamCreate");
  cuda_check(cudaStreamCreateWithFlags(&readback_, cudaStreamNonBlocking), "cudaStreamCreate");
  const size_t n_pops = spec.populations.size();
  const double dt = spec.simulation.dt_ms;
  const int64_t block = options.block_steps;
  membranes_.resize(n_pops);
  poissons_.resize(n_pops);
  for (size_t a = 0; a < n_pops; ++a) {
    const PopulationSpec& pop = spec.populations[a];
    const int population = static_cast<int>(a);
    step_spikes_.emplace_back(2 * static_cast<size_t>(step_capacity(pop)));
    if (pop.model == NeuronModel::poisson) {
      PoissonState& p = poissons_[a];
      p.next_candidate_ms = DeviceBuffer<double>(initial_poisson_candidates(spec, population));
      p.candidates = DeviceBuffer<unsigned long long>(static_cast<size_t>(pop.size));
      p.candidates.zero();
      p.acceptance = DeviceBuffer<double>(static_cast<size_t>(block));
      continue;
    }
    MembraneState& m = membranes_[a];
    m.V = DeviceBuffer<float>(initial_potentials(spec, population));
    std::vector<float> decays;
    for (int k : incoming_projections(spec, population)) decays.push_back(synaptic_decay(spec.projections[k], dt));
    m.channels = static_cast<int>(decays.size());
    m.currents = DeviceBuffer<float>(decays.size() * static_cast<size_t>(pop.size));
    m.currents.zero();
    m.inputs = DeviceBuffer<Input>(decays.size() * static_cast<size_t>(pop.size));
    m.inputs.zero();
    m.decays = DeviceBuffer<float>(decays);
    m.external = DeviceBuffer<float>(static_cast<size_t>(block));
  }
  channel_of_projection_ = projection_channels(spec);
  for (size_t k = 0; k < spec.projections.size(); ++k) {
    const Connectivity& c = net.projections[k];
    if (c.row_start.empty()) {  // left for the GPU to build (see projections_built_on_host)
      projections_.push_back(build_on_device(k));
    } else {
      projections_.push_back(ProjectionState{DeviceBuffer<unsigned long long>(as_ull(c.row_start)),
                                             DeviceBuffer<uint32_t>(c.targets), longest_row(c.row_start)});
    }
    synapse_counts_.push_back(projections_.back().targets.size());
  }
  plastic_of_projection_.assign(spec.projections.size(), -1);
  for (size_t k = 0; k < spec.projections.size(); ++k) {
    const ProjectionSpec& proj = spec.projections[k];
    if (!proj.plasticity) continue;
    plastic_of_projection_[k] = static_cast<int>(plastic_.size());
    const int n_pre = static_cast<int>(spec.populations[proj.pre].size);
    const int n_post = static_cast<int>(spec.populations[proj.post].size);
    PlasticState p{static_cast<int>(k), plasticity_constants(proj, dt),
                   DeviceBuffer<float>(std::vector<float>(synapse_counts_[k], static_cast<float>(proj.weight))),
                   DeviceBuffer<float>(std::vector<float>(2 * static_cast<size_t>(n_pre), 0.0f)),
                   DeviceBuffer<float>(std::vector<float>(2 * static_cast<size_t>(n_post), 0.0f)),
                   DeviceBuffer<float>(static_cast<size_t>(n_post)),  // written before it is read
                   {}, {}, {}};  // the index, made next
    index_columns(projections_[k], n_pre, n_post, p);
    plastic_.push_back(std::move(p));
  }
  for (const WeightRecordingSpec& w : spec.recording.weights) {
    weight_samples_.emplace_back(as_ull(weight_sample(synapse_counts_[w.projection], w.sample)));
  }
  for (size_t t = 0; t < spec.recording.traces.size(); ++t) {
    const TraceSpec& trace = spec.recording.traces[t];
    MembraneState& m = membranes_[trace.population];
    std::vector<int32_t> slot(static_cast<size_t>(spec.populations[trace.population].size), -1);
    for (size_t s = 0; s < trace.neurons.size(); ++s) slot[trace.neurons[s]] = static_cast<int32_t>(s);
    m.trace_slot = DeviceBuffer<int32_t>(slot);
    m.trace_sample = DeviceBuffer<int32_t>(static_cast<size_t>(block));
    m.trace = static_cast<int>(t);
  }
  step_counts_ = DeviceBuffer<unsigned int>(2 * n_pops);
  step_counts_.zero();
  overflow_ = DeviceBuffer<unsigned int>(1);
  overflow_.zero();
  clock_ = DeviceBuffer<cuda::BlockClock>(1);
  host_spike_counts_ = PinnedBuffer<unsigned long long>(n_pops);
  key_bits_ = 33;
  while ((int64_t{1} << (key_bits_ - 32)) < block) ++key_bits_;

  int sms = 0;
  cuda_check(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0), "cudaDeviceGetAttribute");
  delivery_blocks_ = 8 * sms;
  make_delivery_groups();
  make_postsynaptic_groups(sms);
  for (RecordSet& set : sets_) make_record_set(set);
  // The uploads and memsets above ran on the legacy stream: finish them before our stream starts.
  cuda_check(cudaDeviceSynchronize(), "setting up the network on the GPU");
  for (RecordSet& set : sets_) set.graph = capture(block, set);
}

template <typename Input>
CudaBackend<Input>::~CudaBackend() {
  if (stream_) cudaStreamSynchronize(stream_);  // no graph is destroyed while it runs
  for (RecordSet& set : sets_) {
    if (set.graph) cudaGraphExecDestroy(set.graph);
    if (set.done) cudaEventDestroy(set.done);
  }
  if (readback_) cudaStreamDestroy(readback_);
  if (stream_) cudaStreamDestroy(stream_);
}

// Buffers for what one block records, and the population views that point the kernels at them.
template <typename Input>
void CudaBackend<Input>::make_record_set(RecordSet& set) {
  const int64_t block = options_.block_steps;
  for (const PopulationSpec& pop : spec_.populations) set.spike_keys.emplace_back(static_cast<size_t>(pop.size * block));
  set.spike_counts = DeviceBuffer<unsigned long long>(spec_.populations.size());
  for (const TraceSpec& trace : spec_.recording.traces) {
    const size_t samples = static_cast<size_t>(block / trace.every_steps + 1);
    set.traces.emplace_back(samples * trace.neurons.size() * (1 + membranes_[trace.population].channels));
  }
  for (size_t r = 0; r < spec_.recording.weights.size(); ++r) {
    const size_t samples = static_cast<size_t>(block / spec_.recording.weights[r].every_steps + 1);
    set.weight_sums.emplace_back(samples * kRecordBlocks * kThreads);
    set.weight_samples.emplace_back(samples * weight_samples_[r].size());
  }
  make_population_groups(set);
  cuda_check(cudaEventCreateWithFlags(&set.done, cudaEventDisableTiming), "cudaEventCreate");
}

template <typename Input>
cuda::SpikeSink CudaBackend<Input>::sink(int population, const RecordSet& set) const {
  return cuda::SpikeSink{spike_list(population), set.spike_keys[population].data(),
                         set.spike_counts.data() + population, set.spike_keys[population].size(), overflow_.data()};
}

// Count, scan, fill: the host builder's rows (include/eisim/erdos_renyi.hpp), made on the device.
template <typename Input>
typename CudaBackend<Input>::ProjectionState CudaBackend<Input>::build_on_device(size_t k) {
  const ProjectionSpec& proj = spec_.projections[k];
  const int n_pre = static_cast<int>(spec_.populations[proj.pre].size);
  const ErdosRenyiRows rows = erdos_renyi_rows(spec_.simulation.seed, connectivity_stream(k), erdos_renyi_p(proj),
                                               spec_.populations[proj.post].size);
  DeviceBuffer<unsigned long long> counts(static_cast<size_t>(n_pre) + 1), longest(1);
  counts.zero();  // the last entry stays 0, so the exclusive scan ends with the total
  longest.zero();
  launch_kernel("count_rows", blocks_for(n_pre), kThreads, nullptr, cuda::count_rows, rows, n_pre, counts.data(),
                longest.data());
  unsigned long long synapses = 0, longest_row = 0;
  DeviceBuffer<unsigned long long> row_start = starts_from_counts(counts, static_cast<size_t>(n_pre), synapses);
  cuda_check(cudaMemcpy(&longest_row, longest.data(), sizeof longest_row, cudaMemcpyDeviceToHost), "read longest row");
  DeviceBuffer<uint32_t> targets(synapses);
  launch_kernel("fill_rows", blocks_for(n_pre), kThreads, nullptr, cuda::fill_rows, rows, n_pre,
                row_start.data(), targets.data());
  cuda_check(cudaDeviceSynchronize(), "building connectivity on the GPU");
  return ProjectionState{std::move(row_start), std::move(targets), longest_row};
}

// The postsynaptic-major index of a plastic projection's rows: count, scan, fill (build_kernels.cuh).
template <typename Input>
void CudaBackend<Input>::index_columns(const ProjectionState& rows, int n_pre, int n_post, PlasticState& p) {
  DeviceBuffer<unsigned long long> counts(static_cast<size_t>(n_post) + 1), longest(1);
  counts.zero();
  longest.zero();
  if (n_pre > 0) {
    launch_kernel("count_columns", n_pre, kThreads, nullptr, cuda::count_columns, rows.row_start.data(),
                  rows.targets.data(), counts.data());
  }
  launch_kernel("longest_count", blocks_for(n_post), kThreads, nullptr, cuda::longest_count, counts.data(), n_post,
                longest.data());
  unsigned long long synapses = 0;
  p.incoming_start = starts_from_counts(counts, static_cast<size_t>(n_post), synapses);
  cuda_check(cudaMemcpy(&p.longest_column, longest.data(), sizeof p.longest_column, cudaMemcpyDeviceToHost),
             "read longest column");
  DeviceBuffer<unsigned long long> next_slot(static_cast<size_t>(n_post));
  cuda_check(cudaMemcpy(next_slot.data(), p.incoming_start.data(), next_slot.bytes(), cudaMemcpyDeviceToDevice),
             "copy column starts");
  p.incoming_synapse = DeviceBuffer<unsigned long long>(synapses);
  p.incoming_pre = DeviceBuffer<uint32_t>(synapses);
  if (n_pre > 0) {
    launch_kernel("fill_columns", n_pre, kThreads, nullptr, cuda::fill_columns, rows.row_start.data(),
                  rows.targets.data(), next_slot.data(), p.incoming_synapse.data(), p.incoming_pre.data());
  }
  cuda_check(cudaDeviceSynchronize(), "indexing a plastic projection's columns on the GPU");
}

// The population views update_neurons reads, pointing at one record set's buffers, in groups.
template <typename Input>
void CudaBackend<Input>::make_population_groups(RecordSet& set) {
  for (size_t a = 0; a < spec_.populations.size(); ++a) {
    const PopulationSpec& pop = spec_.populations[a];
    if (a % cuda::kPopulationsPerLaunch == 0) set.population_groups.emplace_back();
    cuda::PopulationGroup<Input>& group = set.population_groups.back();
    cuda::PopulationView<Input> v{};
    v.first = group.neurons;
    v.n = static_cast<int>(pop.size);
    v.poisson = pop.model == NeuronModel::poisson;
    v.sink = sink(static_cast<int>(a), set);
    if (v.poisson) {
      const PoissonState& p = poissons_[a];
      v.source = cuda::PoissonView{spec_.simulation.seed, random_stream(RandomPurpose::poisson, static_cast<uint32_t>(a)),
                                   spec_.simulation.dt_ms, pop.rate.max_hz() / 1000.0, p.next_candidate_ms.data(),
                                   p.candidates.data(), p.acceptance.data()};
    } else {
      const MembraneState& m = membranes_[a];
      const TraceSpec* trace = m.trace >= 0 ? &spec_.recording.traces[m.trace] : nullptr;
      v.membrane = cuda::MembraneView<Input>{pop.model,
                                             membrane_constants(pop.membrane, spec_.simulation.dt_ms),
                                             m.V.data(),
                                             m.channels,
                                             m.currents.data(),
                                             m.inputs.data(),
                                             m.decays.data(),
                                             m.external.data(),
                                             trace ? m.trace_sample.data() : nullptr,
                                             trace ? m.trace_slot.data() : nullptr,
                                             trace ? static_cast<int>(trace->neurons.size()) : 0,
                                             trace ? set.traces[m.trace].data() : nullptr};
    }
    for (const PlasticState& plastic : plastic_) {  // its eligibility traces (check_gpu_support bounds their number)
      const ProjectionSpec& proj = spec_.projections[plastic.projection];
      for (const bool post : {false, true}) {
        if ((post ? proj.post : proj.pre) != static_cast<int>(a)) continue;
        const int e = v.eligibility.count++;
        v.eligibility.y[e] = post ? plastic.y_post.data() : plastic.y_pre.data();
        v.eligibility.decayed[e] = post ? plastic.y_post_decayed.data() : nullptr;
        v.eligibility.decay[e] = plastic.constants.trace_decay;
        v.eligibility.jump[e] = plastic.constants.trace_jump;
      }
    }
    group.pops[group.count++] = v;
    group.neurons += v.n;
  }
}

// The projection views deliver_spikes reads, in groups (the same for every block).
template <typename Input>
void CudaBackend<Input>::make_delivery_groups() {
  delivery_groups_.emplace_back();  // at least one launch, even without projections: it empties the next step's lists
  for (size_t k = 0; k < spec_.projections.size(); ++k) {
    const ProjectionSpec& proj = spec_.projections[k];
    const PlasticState* plastic = plastic_of_projection_[k] >= 0 ? &plastic_[plastic_of_projection_[k]] : nullptr;
    if (k > 0 && k % cuda::kProjectionsPerLaunch == 0) delivery_groups_.emplace_back();
    cuda::DeliveryGroup<Input>& group = delivery_groups_.back();
    const unsigned int chunk_size = plastic ? cuda::kPlasticChunk : cuda::kDeliveryChunk;
    group.views[group.count++] = cuda::DeliveryView<Input>{
        spike_list(proj.pre),
        chunk_size,
        cuda::chunks_for(projections_[k].longest_row, chunk_size),
        projections_[k].row_start.data(),
        projections_[k].targets.data(),
        membranes_[proj.post].inputs.data() +
            static_cast<size_t>(channel_of_projection_[k]) * static_cast<size_t>(spec_.populations[proj.post].size),
        jump_of<Input>(proj),
        plastic ? plastic->weight.data() : nullptr,
        plastic ? plastic->y_post_decayed.data() : nullptr,
        plastic ? plastic->constants : PlasticityConstants{}};
  }
}

// The plastic projections' columns, in groups, each riding along with one update_neurons launch.
template <typename Input>
void CudaBackend<Input>::make_postsynaptic_groups(int sms) {
  for (size_t k = 0; k < plastic_.size(); ++k) {
    if (k % cuda::kPlasticPerLaunch == 0) {
      postsynaptic_groups_.push_back(cuda::PostsynapticGroup{{}, 0, cuda::kPostsynapticBlocksPerSm * sms});
    }
    cuda::PostsynapticGroup& group = postsynaptic_groups_.back();
    group.views[group.count++] = plastic_view(plastic_[k]);
  }
}

template <typename Input>
cuda::SpikeList CudaBackend<Input>::spike_list(int population) const {
  return cuda::SpikeList{step_spikes_[population].data(), step_counts_.data() + 2 * population,
                         static_cast<unsigned int>(step_spikes_[population].size() / 2)};
}

template <typename Input>
cuda::PlasticView CudaBackend<Input>::plastic_view(const PlasticState& p) const {
  return cuda::PlasticView{spike_list(spec_.projections[p.projection].post),
                           cuda::chunks_for(p.longest_column, cuda::kPlasticChunk),
                           p.incoming_start.data(),
                           p.incoming_synapse.data(),
                           p.incoming_pre.data(),
                           p.weight.data(),
                           p.y_pre.data(),
                           static_cast<int>(spec_.populations[spec_.projections[p.projection].pre].size),
                           p.constants};
}

// Step s of a block of `count` steps. Weight recording reads the weights at t_n, as the CPU
// records them: after the previous step's postsynaptic updates, before this step's presynaptic ones.
template <typename Input>
void CudaBackend<Input>::enqueue_step(int s, int64_t count, const RecordSet& set) {
  const size_t update_launches = std::max(set.population_groups.size(), postsynaptic_groups_.size());
  for (size_t i = 0; i < update_launches; ++i) {
    const cuda::PopulationGroup<Input> group = i < set.population_groups.size() ? set.population_groups[i]
                                                                                : cuda::PopulationGroup<Input>{};
    // At a block's first step the previous step's postsynaptic updates have run: they ended the block before.
    const cuda::PostsynapticGroup columns =
        s > 0 && i < postsynaptic_groups_.size() ? postsynaptic_groups_[i] : cuda::PostsynapticGroup{};
    const unsigned int blocks = columns.blocks + (group.neurons + cuda::kNeuronThreads - 1) / cuda::kNeuronThreads;
    if (blocks > 0) {
      launch_kernel("update_neurons", blocks, cuda::kNeuronThreads, stream_, cuda::update_neurons<Input>, group, columns,
                    clock(), s);
    }
  }
  for (size_t r = 0; r < spec_.recording.weights.size(); ++r) {
    const WeightRecordingSpec& w = spec_.recording.weights[r];
    // Blocks start at multiples of block_steps, so only these positions can hold a multiple of every_steps.
    if (s % std::gcd(options_.block_steps, w.every_steps) != 0) continue;
    const PlasticState& p = plastic_[plastic_of_projection_[w.projection]];
    const cuda::WeightRecordView view{p.weight.data(), p.weight.size(), weight_samples_[r].data(),
                                      static_cast<int>(weight_samples_[r].size()), w.every_steps,
                                      set.weight_sums[r].data(), set.weight_samples[r].data()};
    launch_kernel("record_weights", kRecordBlocks, kThreads, stream_, cuda::record_weights, view, clock(), s);
  }
  const int populations = static_cast<int>(spec_.populations.size());
  for (const cuda::DeliveryGroup<Input>& group : delivery_groups_) {
    launch_kernel("deliver_spikes", delivery_blocks_, cuda::kDeliveryThreads, stream_, cuda::deliver_spikes<Input>, group,
                  step_counts_.data(), populations, clock(), s);
  }
  if (s + 1 == count) {
    for (const PlasticState& p : plastic_) {
      launch_kernel("postsynaptic_updates", delivery_blocks_, cuda::kDeliveryThreads, stream_, cuda::postsynaptic_updates,
                    plastic_view(p), clock(), s);
    }
  }
}

template <typename Input>
cudaGraphExec_t CudaBackend<Input>::capture(int64_t steps, const RecordSet& set) {
  cuda_check(cudaStreamBeginCapture(stream_, cudaStreamCaptureModeThreadLocal), "cudaStreamBeginCapture");
  for (int64_t s = 0; s < steps; ++s) enqueue_step(static_cast<int>(s), steps, set);
  cudaGraph_t graph = nullptr;
  cuda_check(cudaStreamEndCapture(stream_, &graph), "cudaStreamEndCapture");
  cudaGraphExec_t exec = nullptr;
  cuda_check(cudaGraphInstantiate(&exec, graph, 0), "cudaGraphInstantiate");
  cuda_check(cudaGraphDestroy(graph), "cudaGraphDestroy");
  return exec;
}

template <typename Input>
void CudaBackend<Input>::upload_block_inputs(int64_t first_step, int64_t count, const RecordSet& set) {
  const double dt = spec_.simulation.dt_ms;
  for (size_t a = 0; a < spec_.populations.size(); ++a) {
    const PopulationSpec& pop = spec_.populations[a];
    // In stream order: after the previous block, before this one. A pageable source is staged
    // before the call returns.
    if (pop.model == NeuronModel::poisson) {
      const std::vector<double> accept = poisson_acceptance(pop, dt, first_step, count);
      cuda_check(cudaMemcpyAsync(poissons_[a].acceptance.data(), accept.data(), accept.size() * sizeof(double),
                                 cudaMemcpyHostToDevice, stream_),
                 "upload acceptance");
    } else {
      const MembraneState& m = membranes_[a];
      const std::vector<float> external = external_current(pop, dt, first_step, count);
      cuda_check(cudaMemcpyAsync(m.external.data(), external.data(), external.size() * sizeof(float),
                                 cudaMemcpyHostToDevice, stream_),
                 "upload external current");
      if (m.trace >= 0) {
        const std::vector<int32_t> sample =
            sample_of_each_step(first_step, count, spec_.recording.traces[m.trace].every_steps);
        cuda_check(cudaMemcpyAsync(m.trace_sample.data(), sample.data(), sample.size() * sizeof(int32_t),
                                   cudaMemcpyHostToDevice, stream_),
                   "upload trace samples");
      }
    }
  }
  const cuda::BlockClock clock{first_step};
  cuda_check(cudaMemcpyAsync(clock_.data(), &clock, sizeof clock, cudaMemcpyHostToDevice, stream_), "upload clock");
  cuda_check(cudaMemsetAsync(set.spike_counts.data(), 0, set.spike_counts.bytes(), stream_), "reset spike counts");
}

template <typename Input>
void CudaBackend<Input>::launch(int64_t first_step, int64_t count) {
  if (count > options_.block_steps) throw RuntimeProblem("cuda backend: start: more steps than a block");
  if (first_step % options_.block_steps != 0) {
    throw RuntimeProblem("cuda backend: start: blocks begin at multiples of block_steps (the graph's weight recording assumes it)");
  }
  RecordSet& set = sets_[started_ % 2];
  upload_block_inputs(first_step, count, set);
  if (count == options_.block_steps) {
    cuda_check(cudaGraphLaunch(set.graph, stream_), "cudaGraphLaunch");
  } else {  // the last, shorter block: plain launches
    for (int64_t s = 0; s < count; ++s) enqueue_step(static_cast<int>(s), count, set);
  }
  cuda_check(cudaEventRecord(set.done, stream_), "cudaEventRecord");
  set.first_step = first_step;
  set.count = count;
  ++started_;
}

template <typename Input>
void CudaBackend<Input>::finish(BlockOutput& out) {
  const RecordSet& set = sets_[collected_ % 2];
  cuda_check(cudaEventSynchronize(set.done), "simulating a block of steps");
  read_block(set, out);
  ++collected_;
}

// Sorts n spike keys (step, then neuron) on the readback stream; returns where the sorted keys are.
template <typename Input>
const unsigned long long* CudaBackend<Input>::sort_on_device(unsigned long long* keys, size_t n) {
  // Growing frees the old buffers, which waits for the GPU: rare, as the spike count levels off.
  if (sort_alternate_.size() < n) sort_alternate_ = DeviceBuffer<unsigned long long>(n + n / 2);
  cub::DoubleBuffer<unsigned long long> buffers(keys, sort_alternate_.data());
  size_t needed = 0;
  cuda_check(cub::DeviceRadixSort::SortKeys(nullptr, needed, buffers, n, 0, key_bits_, readback_), "sort size");
  if (sort_scratch_.size() < needed) sort_scratch_ = DeviceBuffer<unsigned char>(needed + needed / 2);
  size_t scratch_bytes = sort_scratch_.size();
  cuda_check(cub::DeviceRadixSort::SortKeys(sort_scratch_.data(), scratch_bytes, buffers, n, 0, key_bits_, readback_),
             "sort spikes");
  return buffers.Current();
}

// On the readback stream, which does not wait for stream_: the next block may be running meanwhile.
template <typename Input>
void CudaBackend<Input>::read_block(const RecordSet& set, BlockOutput& out) {
  const int64_t first_step = set.first_step, count = set.count;
  const size_t n_pops = spec_.populations.size();
  unsigned int overflow = 0;
  cuda_check(cudaMemcpyAsync(&overflow, overflow_.data(), sizeof overflow, cudaMemcpyDeviceToHost, readback_),
             "read overflow");
  cuda_check(cudaMemcpyAsync(host_spike_counts_.data(), set.spike_counts.data(), n_pops * sizeof(unsigned long long),
                             cudaMemcpyDeviceToHost, readback_),
             "read spike counts");
  cuda_check(cudaStreamSynchronize(readback_), "read spike counts");
  for (size_t a = 0; a < n_pops; ++a) {
    const unsigned long long n = host_spike_counts_[a];
    if (overflow || n > set.spike_keys[a].size()) {
      throw RuntimeProblem("CUDA backend: population " + spec_.populations[a].name +
                           " produced more spikes in a block than its buffers hold (a Poisson neuron fired "
                           "many times within one step?); no spike was dropped silently: the run stops here");
    }
    if (n == 0) continue;
    std::vector<unsigned long long> keys(n);
    cuda_check(cudaMemcpyAsync(keys.data(), sort_on_device(set.spike_keys[a].data(), n), n * sizeof(unsigned long long),
                               cudaMemcpyDeviceToHost, readback_),
               "read spikes");
    cuda_check(cudaStreamSynchronize(readback_), "sort and read spikes");
    SpikeRecord& record = out.spikes[a];
    record.step.reserve(record.step.size() + n);
    record.neuron.reserve(record.neuron.size() + n);
    for (unsigned long long key : keys) {
      record.step.push_back(first_step + static_cast<int64_t>(key >> 32));
      record.neuron.push_back(static_cast<uint32_t>(key & 0xFFFFFFFFu));
    }
  }
  for (size_t t = 0; t < spec_.recording.traces.size(); ++t) {
    const TraceSpec& trace = spec_.recording.traces[t];
    const SampleRange samples = samples_within(first_step, count, trace.every_steps);
    if (samples.count == 0) continue;
    const size_t width = trace.neurons.size() * (1 + membranes_[trace.population].channels);
    TraceRecord& record = out.traces[t];
    const size_t before = record.values.size();
    record.values.resize(before + samples.count * width);
    cuda_check(cudaMemcpy(record.values.data() + before, set.traces[t].data(),
                          samples.count * width * sizeof(float), cudaMemcpyDeviceToHost),
               "read traces");
    for (size_t s = 0; s < samples.count; ++s) {
      record.step.push_back((samples.first + static_cast<int64_t>(s)) * trace.every_steps);
    }
  }
  for (size_t r = 0; r < spec_.recording.weights.size(); ++r) {
    const WeightRecordingSpec& w = spec_.recording.weights[r];
    const size_t sampled = weight_samples_[r].size();
    const SampleRange samples = samples_within(first_step, count, w.every_steps);
    if (samples.count == 0) continue;
    const size_t threads = static_cast<size_t>(kRecordBlocks) * kThreads;
    std::vector<double> partial(samples.count * threads);
    cuda_check(cudaMemcpy(partial.data(), set.weight_sums[r].data(), partial.size() * sizeof(double),
                          cudaMemcpyDeviceToHost),
               "read weight sums");
    WeightRecord& record = out.weights[r];
    const size_t before = record.sample.size();
    record.sample.resize(before + samples.count * sampled);
    cuda_check(cudaMemcpy(record.sample.data() + before, set.weight_samples[r].data(),
                          samples.count * sampled * sizeof(float), cudaMemcpyDeviceToHost),
               "read sampled weights");
    const double synapses = static_cast<double>(plastic_[plastic_of_projection_[w.projection]].weight.size());
    for (size_t s = 0; s < samples.count; ++s) {
      double sum = 0.0;
      for (size_t t = 0; t < threads; ++t) sum += partial[s * threads + t];
      record.step.push_back((samples.first + static_cast<int64_t>(s)) * w.every_steps);
      record.mean.push_back(synapses > 0 ? sum / synapses : 0.0);
    }
  }
}

// The projection may have been built here: its row starts and the sampled targets come from the GPU.
template <typename Input>
SampledSynapses CudaBackend<Input>::sampled_synapses(const WeightRecordingSpec& w) const {
  const ProjectionState& rows = projections_[w.projection];
  std::vector<unsigned long long> row_start(rows.row_start.size());
  cuda_check(cudaMemcpy(row_start.data(), rows.row_start.data(), rows.row_start.bytes(), cudaMemcpyDeviceToHost),
             "read row starts");
  const std::vector<uint64_t> sample = weight_sample(synapse_counts_[w.projection], w.sample);
  SampledSynapses sampled{presynaptic_neurons(std::vector<uint64_t>(row_start.begin(), row_start.end()), sample), {}};
  for (uint64_t s : sample) {
    uint32_t target = 0;
    cuda_check(cudaMemcpy(&target, rows.targets.data() + s, sizeof target, cudaMemcpyDeviceToHost), "read a target");
    sampled.post.push_back(static_cast<int32_t>(target));
  }
  return sampled;
}

template <typename Input>
std::vector<float> CudaBackend<Input>::weights(int projection) const {
  if (plastic_of_projection_[projection] < 0) {
    return std::vector<float>(projections_[projection].targets.size(),
                              static_cast<float>(spec_.projections[projection].weight));
  }
  const DeviceBuffer<float>& weight = plastic_[plastic_of_projection_[projection]].weight;
  std::vector<float> out(weight.size());
  cuda_check(cudaStreamSynchronize(stream_), "finishing the started blocks");
  cuda_check(cudaMemcpy(out.data(), weight.data(), weight.bytes(), cudaMemcpyDeviceToHost), "read weights");
  return out;
}

}  // namespace

double estimate_device_bytes(const NetworkSpec& spec, const BackendOptions& options) {
  double bytes = 0;
  for (size_t k = 0; k < spec.projections.size(); ++k) {
    const double n_pre = static_cast<double>(spec.populations[spec.projections[k].pre].size);
    bytes += 4.0 * expected_synapses(spec, k) + 8.0 * (n_pre + 1.0);
    if (spec.projections[k].plasticity) {  // weights, postsynaptic-major index (synapse, pre), traces
      const double n_post = static_cast<double>(spec.populations[spec.projections[k].post].size);
      bytes += (4.0 + 8.0 + 4.0) * expected_synapses(spec, k) + 8.0 * (n_post + 1.0) + 8.0 * n_pre + 12.0 * n_post;
    }
  }
  const double input_bytes = options.mode == AccumulationMode::deterministic ? 8.0 : 4.0;
  for (size_t a = 0; a < spec.populations.size(); ++a) {
    const PopulationSpec& pop = spec.populations[a];
    const double n = static_cast<double>(pop.size);
    // A block's spike record, in each of the two record sets, and the step's spike lists (two, by parity).
    bytes += 2 * 8.0 * n * static_cast<double>(options.block_steps) + 8.0 * step_capacity(pop);
    if (pop.model == NeuronModel::poisson) {
      bytes += 16.0 * n;
    } else {
      const double channels = static_cast<double>(incoming_projections(spec, static_cast<int>(a)).size());
      bytes += 4.0 * n + channels * (4.0 + input_bytes) * n;
    }
  }
  return bytes;
}

void check_gpu_support(const NetworkSpec& spec) {
  std::vector<int> traces(spec.populations.size(), 0);
  for (const ProjectionSpec& proj : spec.projections) {
    if (!proj.plasticity) continue;
    ++traces[proj.pre];
    ++traces[proj.post];
  }
  for (size_t a = 0; a < traces.size(); ++a) {
    if (traces[a] > cuda::kEligibilityTracesPerPopulation) {
      throw RuntimeProblem("the CUDA backend keeps at most " + std::to_string(cuda::kEligibilityTracesPerPopulation) +
                           " eligibility traces per population, and population " + spec.populations[a].name +
                           " needs " + std::to_string(traces[a]) +
                           " (one per plastic projection it sends or receives); use --backend cpu");
    }
  }
}

void check_device_memory(const NetworkSpec& spec, const BackendOptions& options) {
  size_t free_bytes = 0, total_bytes = 0;
  cuda_check(cudaMemGetInfo(&free_bytes, &total_bytes), "cudaMemGetInfo");
  const double needed = estimate_device_bytes(spec, options);
  if (needed > 0.95 * static_cast<double>(free_bytes)) {
    throw RuntimeProblem("the network will not fit on the GPU: it needs about " + gib(needed) + ", and " +
                         cuda_device_description() + " has " + gib(static_cast<double>(free_bytes)) +
                         " free; reduce N or the connection probability");
  }
}

std::unique_ptr<Backend> make_cuda_backend(const NetworkSpec& spec, const Network& net, const BackendOptions& options) {
  if (options.mode == AccumulationMode::deterministic) {
    return std::make_unique<CudaBackend<cuda::FixedInput>>(spec, net, options);
  }
  return std::make_unique<CudaBackend<float>>(spec, net, options);
}

}  // namespace eisim
