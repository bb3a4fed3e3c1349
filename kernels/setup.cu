// CUDA backend: its state on the GPU, built from the spec and the network (docs/architecture.md,
// "Backends"); projections the host left empty are built here from the host's row generator, plastic
// ones indexed by column. Mirrors src/cpu/setup.cpp.
#include <algorithm>
#include <utility>

#include <cub/device/device_radix_sort.cuh>
#include <cub/device/device_scan.cuh>

#include "eisim/engine/backend_setup.hpp"
#include "eisim/model/random.hpp"
#include "kernels/connectivity_build.cuh"
#include "kernels/cuda_backend.cuh"
#include "kernels/cuda_backend.hpp"
#include "kernels/kernel_launch.hpp"

namespace eisim {
namespace {

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

// A jump J / tau_syn in the accumulator's representation.
template <typename Input>
Input jump_of(double weight, double tau_syn);
template <>
cuda::FixedInput jump_of<cuda::FixedInput>(double weight, double tau_syn) {
  return static_cast<cuda::FixedInput>(fixed_point_jump(weight, tau_syn));
}
template <>
float jump_of<float>(double weight, double tau_syn) {
  return float_jump(weight, tau_syn);
}

// Launch groups come in two kinds, one per instantiation of their kernel (the book's and the general
// update; plain and drawn delivery). `open`: the index of the kind's group being filled, or -1. Returns
// that group, or a new one of the kind where it is full.
template <typename Group>
Group& group_with_room(std::vector<Group>& groups, int& open, bool Group::*kind, bool value, int capacity) {
  if (open < 0 || groups[open].count == capacity) {
    open = static_cast<int>(groups.size());
    groups.emplace_back();
    groups.back().*kind = value;
  }
  return groups[open];
}

}  // namespace

template <typename Input>
CudaBackend<Input>::CudaBackend(const NetworkSpec& spec, const Network& net, const BackendOptions& options)
    : spec_(spec),
      options_(options),
      ranks_(options.ranks ? *options.ranks : one_process()),
      partition_(partition(spec, ranks_.rank(), ranks_.size())) {
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
    const Slice mine = partition_.populations[a];
    const size_t n = static_cast<size_t>(mine.size());
    step_spikes_.emplace_back(2 * static_cast<size_t>(step_capacity(pop)));
    if (pop.model == NeuronModel::poisson) {
      PoissonState& p = poissons_[a];
      p.next_candidate_ms = DeviceBuffer<double>(initial_poisson_candidates(spec, population, mine));
      p.candidates = DeviceBuffer<unsigned long long>(n);
      p.candidates.zero();
      p.acceptance = DeviceBuffer<double>(static_cast<size_t>(block));
      continue;
    }
    MembraneState& m = membranes_[a];
    m.V = DeviceBuffer<float>(initial_potentials(spec, population, mine));
    std::vector<float> decays, gains;
    for (double tau : channel_time_constants(spec, population)) {
      decays.push_back(synaptic_decay(spec, population, tau));
      gains.push_back(synaptic_gain(spec, population, tau));
    }
    m.channels = static_cast<int>(decays.size());
    m.ring = ring_slots(spec, population);
    m.ring_slot = DeviceBuffer<int32_t>(static_cast<size_t>(block));
    m.currents = DeviceBuffer<float>(decays.size() * n);
    m.currents.zero();
    m.inputs = DeviceBuffer<Input>(decays.size() * static_cast<size_t>(m.ring) * n);
    m.inputs.zero();
    const MembraneConstants constants = membrane_constants(pop.membrane, dt);
    if (constants.ref_steps > 0) {
      m.refractory = DeviceBuffer<int32_t>(n);
      m.refractory.zero();
    }
    m.general = constants.ref_steps > 0 || constants.exact || pop.poisson_input.has_value();
    if (pop.poisson_input) {
      m.poisson_input = DeviceBuffer<cuda::PoissonInputView<Input>>(
          std::vector<cuda::PoissonInputView<Input>>{poisson_input_view(population)});
    }
    m.decays = DeviceBuffer<float>(decays);
    m.gains = DeviceBuffer<float>(gains);
    m.external = DeviceBuffer<float>(static_cast<size_t>(block));
    m.at_bound = DeviceBuffer<unsigned long long>(n);
    m.at_bound.zero();
  }
  channel_of_projection_ = projection_channels(spec);
  for (size_t k = 0; k < spec.projections.size(); ++k) {
    const Connectivity& c = net.projections[k];
    if (c.row_start.empty()) {  // left for the GPU to build (see projections_built_on_host)
      projections_.push_back(build_on_device(k));
    } else {
      projections_.push_back(ProjectionState{DeviceBuffer<unsigned long long>(as_ull(c.row_start)),
                                             DeviceBuffer<uint32_t>(c.targets), longest_row(c.row_start),
                                             DeviceBuffer<float>(c.weight), DeviceBuffer<uint16_t>(c.delay_steps), {}, {}, {}});
    }
    synapse_counts_.push_back(projections_.back().targets.size());
  }
  plastic_of_projection_.assign(spec.projections.size(), -1);
  for (size_t k = 0; k < spec.projections.size(); ++k) {
    const ProjectionSpec& proj = spec.projections[k];
    if (!proj.plasticity) continue;
    plastic_of_projection_[k] = static_cast<int>(plastic_.size());
    const int n_pre = static_cast<int>(spec.populations[proj.pre].size);  // every rank keeps every presynaptic trace
    const int n_post = local_size(proj.post);
    // The drawn weights (weight_sd) where the projection has them, to start from.
    DeviceBuffer<float> drawn = std::move(projections_[k].weights);
    PlasticState p{static_cast<int>(k), plasticity_constants(spec, static_cast<int>(k)),
                   drawn.size() > 0 ? std::move(drawn)
                                    : DeviceBuffer<float>(std::vector<float>(synapse_counts_[k], static_cast<float>(proj.weight))),
                   DeviceBuffer<float>(std::vector<float>(2 * static_cast<size_t>(n_pre), 0.0f)),
                   DeviceBuffer<float>(std::vector<float>(2 * static_cast<size_t>(n_post), 0.0f)),
                   DeviceBuffer<float>(static_cast<size_t>(n_post)),  // written before it is read
                   {}, {}, {}, 0, {}};  // the index and the range flag, made next
    index_columns(projections_[k], n_pre, n_post, p);
    p.weight_overflow = DeviceBuffer<unsigned int>(1);
    p.weight_overflow.zero();
    plastic_.push_back(std::move(p));
  }
  for (size_t k = 0; k < spec.projections.size(); ++k) make_tiles(k);  // after the plastic ones' index
  for (const WeightRecordingSpec& w : spec.recording.weights) {
    const DeviceBuffer<unsigned long long>& starts = projections_[w.projection].row_start;
    std::vector<unsigned long long> row_start(starts.size());
    cuda_check(cudaMemcpy(row_start.data(), starts.data(), starts.bytes(), cudaMemcpyDeviceToHost), "read row starts");
    rank_samples_.push_back(
        rank_weight_sample(ranks_, std::vector<uint64_t>(row_start.begin(), row_start.end()), w.sample));
    weight_samples_.emplace_back(as_ull(rank_samples_.back().synapse));
  }
  weight_sums_.resize(spec.recording.weights.size());
  for (size_t t = 0; t < spec.recording.traces.size(); ++t) {
    // The slot of each of this rank's traced neurons: its place among them, in the spec's order.
    const TraceSpec& trace = spec.recording.traces[t];
    MembraneState& m = membranes_[trace.population];
    const Slice mine = partition_.populations[trace.population];
    std::vector<int32_t> slot(static_cast<size_t>(mine.size()), -1);
    int32_t here = 0;
    for (int64_t j : trace.neurons) {
      if (j >= mine.begin && j < mine.end) slot[static_cast<size_t>(j - mine.begin)] = here++;
    }
    traced_here_.push_back(here);
    m.trace_slot = DeviceBuffer<int32_t>(slot);
    m.trace_sample = DeviceBuffer<int32_t>(static_cast<size_t>(block));
    m.trace = static_cast<int>(t);
  }
  step_counts_ = DeviceBuffer<unsigned int>(2 * n_pops);
  step_counts_.zero();
  if (exchanging()) make_exchange_buffers();
  overflow_ = DeviceBuffer<unsigned int>(1);
  overflow_.zero();
  clock_ = DeviceBuffer<cuda::BlockClock>(1);
  host_spike_counts_ = PinnedBuffer<unsigned long long>(n_pops);
  key_bits_ = 33;
  while ((int64_t{1} << (key_bits_ - 32)) < block) ++key_bits_;

  int device = 0, sms = 0;
  cuda_check(cudaGetDevice(&device), "cudaGetDevice");
  cuda_check(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device), "cudaDeviceGetAttribute");
  delivery_blocks_ = 8 * sms;
  tile_blocks_ = 4 * sms;  // 48 KB of shared memory each, of an SM's 228
  make_delivery_groups();
  make_tile_groups();
  make_postsynaptic_groups(sms);
  for (RecordSet& set : sets_) make_record_set(set);
  // The uploads and memsets above ran on the legacy stream: finish them before our stream starts.
  cuda_check(cudaDeviceSynchronize(), "setting up the network on the GPU");
  if (!exchanging()) {
    for (RecordSet& set : sets_) set.graph = capture(block, set);
  }
}

template <typename Input>
CudaBackend<Input>::~CudaBackend() {
  if (stream_) cudaStreamSynchronize(stream_);  // no graph is destroyed while it runs
  for (RecordSet& set : sets_) {
    if (set.graph) cudaGraphExecDestroy(set.graph);
    if (set.done) cudaEventDestroy(set.done);
  }
  for (cudaEvent_t event : uploaded_) {
    if (event) cudaEventDestroy(event);
  }
  if (readback_) cudaStreamDestroy(readback_);
  if (stream_) cudaStreamDestroy(stream_);
}

// Several ranks: the step lists of every rank's spikes, and the pinned buffers the exchange goes through.
template <typename Input>
void CudaBackend<Input>::make_exchange_buffers() {
  const size_t n_pops = spec_.populations.size();
  size_t lists = 0;
  for (const PopulationSpec& pop : spec_.populations) {
    all_spikes_.emplace_back(2 * static_cast<size_t>(step_capacity(pop)));
    list_offset_.push_back(lists);
    list_capacity_.push_back(step_capacity(pop));
    lists += step_capacity(pop);
  }
  all_counts_ = DeviceBuffer<unsigned int>(2 * n_pops);
  all_counts_.zero();
  host_counts_ = PinnedBuffer<unsigned int>(2 * n_pops);
  host_all_counts_ = PinnedBuffer<unsigned int>(2 * n_pops);
  list_total_ = lists;
  host_mine_ = PinnedBuffer<uint32_t>(std::max<size_t>(lists, 1));
  host_all_ = PinnedBuffer<uint32_t>(std::max<size_t>(2 * lists, 1));
  for (cudaEvent_t& event : uploaded_) {
    cuda_check(cudaEventCreateWithFlags(&event, cudaEventDisableTiming), "cudaEventCreate");
  }
  exchange_steps_ = exchange_interval(spec_);
}

// Buffers for what one block records, and the population views that point the kernels at them.
template <typename Input>
void CudaBackend<Input>::make_record_set(RecordSet& set) {
  const int64_t block = options_.block_steps;
  for (size_t a = 0; a < spec_.populations.size(); ++a) {
    set.spike_keys.emplace_back(static_cast<size_t>(local_size(a)) * static_cast<size_t>(block));
  }
  set.spike_counts = DeviceBuffer<unsigned long long>(spec_.populations.size());
  for (size_t t = 0; t < spec_.recording.traces.size(); ++t) {
    const TraceSpec& trace = spec_.recording.traces[t];
    const size_t samples = static_cast<size_t>(block / trace.every_steps + 1);
    set.traces.emplace_back(samples * static_cast<size_t>(traced_here_[t]) * (1 + membranes_[trace.population].channels));
  }
  set.exchanged.resize(spec_.populations.size());
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

// The host builder's projection k, made on the device: its rows, then the weights and delays it draws.
template <typename Input>
typename CudaBackend<Input>::ProjectionState CudaBackend<Input>::build_on_device(size_t k) {
  ProjectionState rows = spec_.projections[k].rule == ConnectionRule::fixed_total_number ? build_total_number_on_device(k)
                                                                                        : build_erdos_renyi_on_device(k);
  const SynapseDraws draws = synapse_draws(spec_, k);
  const int n_pre = static_cast<int>(spec_.populations[spec_.projections[k].pre].size);
  if (draws.weights) rows.weights = DeviceBuffer<float>(rows.targets.size());
  if (draws.delays) rows.delays = DeviceBuffer<uint16_t>(rows.targets.size());
  if (draws.weights || draws.delays) {
    launch_kernel("draw_rows", blocks_for(n_pre), kThreads, nullptr, cuda::draw_rows, draws,
                  static_cast<long long>(partition_.populations[spec_.projections[k].post].begin), n_pre,
                  rows.row_start.data(), rows.targets.data(), rows.weights.data(), rows.delays.data());
    cuda_check(cudaDeviceSynchronize(), "drawing weights and delays on the GPU");
  }
  return rows;
}

// Draw the pairs of the blocks that meet this rank's slice (keys pre << 32 | target, ~0 off the slice),
// sort them (CUB), and read the rows off: the host's fixed-total-number rows, pair for pair.
template <typename Input>
typename CudaBackend<Input>::ProjectionState CudaBackend<Input>::build_total_number_on_device(size_t k) {
  const ProjectionSpec& proj = spec_.projections[k];
  const int n_pre = static_cast<int>(spec_.populations[proj.pre].size);
  const int64_t n_post = spec_.populations[proj.post].size;
  const Slice post = partition_.populations[proj.post];
  const std::vector<uint64_t> count = synapses_per_block(spec_, k);
  const int64_t first_block = post.begin / kTotalNumberBlock;
  const int64_t last_block = post.size() > 0 ? (post.end - 1) / kTotalNumberBlock + 1 : first_block;
  std::vector<unsigned long long> pair_start;
  unsigned long long pairs = 0;
  for (int64_t b = first_block; b < last_block; ++b) {
    pair_start.push_back(pairs);
    pairs += count[b];
  }
  DeviceBuffer<unsigned long long> keys(std::max<unsigned long long>(pairs, 1)), alternate(std::max<unsigned long long>(pairs, 1));
  DeviceBuffer<unsigned long long> row_counts(static_cast<size_t>(n_pre) + 1), longest(1);
  row_counts.zero();  // the last entry stays 0, so the exclusive scan ends with the total
  longest.zero();
  if (pairs > 0) {
    const DeviceBuffer<unsigned long long> starts(pair_start);
    launch_kernel("draw_pairs", static_cast<int>((pairs + kThreads - 1) / kThreads), kThreads, nullptr, cuda::draw_pairs,
                  spec_.simulation.seed, connectivity_stream(k), static_cast<long long>(first_block), starts.data(),
                  static_cast<int>(pair_start.size()), pairs, n_pre, static_cast<long long>(n_post),
                  static_cast<long long>(post.begin), static_cast<long long>(post.end), keys.data(), row_counts.data());
    cub::DoubleBuffer<unsigned long long> buffers(keys.data(), alternate.data());
    size_t scratch_bytes = 0;
    cuda_check(cub::DeviceRadixSort::SortKeys(nullptr, scratch_bytes, buffers, pairs), "sort size");
    DeviceBuffer<unsigned char> scratch(std::max<size_t>(scratch_bytes, 1));
    cuda_check(cub::DeviceRadixSort::SortKeys(scratch.data(), scratch_bytes, buffers, pairs), "sort pairs");
    cuda_check(cudaDeviceSynchronize(), "drawing pairs on the GPU");
    if (buffers.Current() != keys.data()) std::swap(keys, alternate);
  }
  launch_kernel("longest_count", blocks_for(n_pre), kThreads, nullptr, cuda::longest_count, row_counts.data(), n_pre,
                longest.data());
  unsigned long long synapses = 0, longest_row = 0;
  DeviceBuffer<unsigned long long> row_start = starts_from_counts(row_counts, static_cast<size_t>(n_pre), synapses);
  cuda_check(cudaMemcpy(&longest_row, longest.data(), sizeof longest_row, cudaMemcpyDeviceToHost), "read longest row");
  DeviceBuffer<uint32_t> targets(synapses);
  if (synapses > 0) {
    launch_kernel("targets_of_keys", static_cast<int>((synapses + kThreads - 1) / kThreads), kThreads, nullptr,
                  cuda::targets_of_keys, keys.data(), synapses, targets.data());
  }
  cuda_check(cudaDeviceSynchronize(), "building connectivity on the GPU");
  return ProjectionState{std::move(row_start), std::move(targets), longest_row, {}, {}, {}, {}, {}};
}

// Count, scan, fill: the host builder's rows (include/eisim/model/erdos_renyi.hpp), made on the device.
template <typename Input>
typename CudaBackend<Input>::ProjectionState CudaBackend<Input>::build_erdos_renyi_on_device(size_t k) {
  const ProjectionSpec& proj = spec_.projections[k];
  const int n_pre = static_cast<int>(spec_.populations[proj.pre].size);
  const ErdosRenyiRows rows = erdos_renyi_rows(spec_.simulation.seed, connectivity_stream(k), erdos_renyi_p(proj));
  const Slice post = partition_.populations[proj.post];  // this rank's targets
  DeviceBuffer<unsigned long long> counts(static_cast<size_t>(n_pre) + 1), longest(1);
  counts.zero();  // the last entry stays 0, so the exclusive scan ends with the total
  longest.zero();
  launch_kernel("count_rows", blocks_for(n_pre), kThreads, nullptr, cuda::count_rows, rows, post.begin, post.end, n_pre,
                counts.data(), longest.data());
  unsigned long long synapses = 0, longest_row = 0;
  DeviceBuffer<unsigned long long> row_start = starts_from_counts(counts, static_cast<size_t>(n_pre), synapses);
  cuda_check(cudaMemcpy(&longest_row, longest.data(), sizeof longest_row, cudaMemcpyDeviceToHost), "read longest row");
  DeviceBuffer<uint32_t> targets(synapses);
  launch_kernel("fill_rows", blocks_for(n_pre), kThreads, nullptr, cuda::fill_rows, rows, post.begin, post.end, n_pre,
                row_start.data(), targets.data());
  cuda_check(cudaDeviceSynchronize(), "building connectivity on the GPU");
  return ProjectionState{std::move(row_start), std::move(targets), longest_row, {}, {}, {}, {}, {}};
}

// The postsynaptic-major index of a plastic projection's rows: count, scan, fill (connectivity_build.cuh).
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
  int open[2] = {-1, -1};  // the group being filled, of the book's models and of the general ones
  for (size_t a = 0; a < spec_.populations.size(); ++a) {
    const PopulationSpec& pop = spec_.populations[a];
    const bool general = membranes_[a].general;
    cuda::PopulationGroup<Input>& group = group_with_room(set.population_groups, open[general],
                                                          &cuda::PopulationGroup<Input>::general, general,
                                                          cuda::kPopulationsPerLaunch);
    cuda::PopulationView<Input> v{};
    v.first = group.neurons;
    v.n = local_size(a);
    v.poisson = pop.model == NeuronModel::poisson;
    v.sink = sink(static_cast<int>(a), set);
    if (v.poisson) {
      const PoissonState& p = poissons_[a];
      v.source = cuda::PoissonView{spec_.simulation.seed, random_stream(RandomPurpose::poisson, static_cast<uint32_t>(a)),
                                   static_cast<uint32_t>(partition_.populations[a].begin), spec_.simulation.dt_ms, pop.rate.max_hz() / 1000.0, p.next_candidate_ms.data(),
                                   p.candidates.data(), p.acceptance.data()};
    } else {
      const MembraneState& m = membranes_[a];
      const TraceSpec* trace = m.trace >= 0 ? &spec_.recording.traces[m.trace] : nullptr;
      v.membrane = cuda::MembraneView<Input>{pop.model,
                                             membrane_constants(pop.membrane, spec_.simulation.dt_ms),
                                             m.V.data(),
                                             m.channels,
                                             m.ring,
                                             m.ring_slot.data(),
                                             m.currents.data(),
                                             m.inputs.data(),
                                             m.decays.data(),
                                             m.gains.data(),
                                             m.refractory.size() > 0 ? m.refractory.data() : nullptr,
                                             m.poisson_input.size() > 0 ? m.poisson_input.data() : nullptr,
                                             m.external.data(),
                                             m.at_bound.data(),
                                             trace ? m.trace_sample.data() : nullptr,
                                             trace ? m.trace_slot.data() : nullptr,
                                             trace ? traced_here_[m.trace] : 0,
                                             trace ? set.traces[m.trace].data() : nullptr};
    }
    for (const PlasticState& plastic : plastic_) {  // its eligibility traces (check_gpu_support bounds their number)
      const ProjectionSpec& proj = spec_.projections[plastic.projection];
      for (const bool post : {false, true}) {
        if ((post ? proj.post : proj.pre) != static_cast<int>(a)) continue;
        if (!post && exchanging()) continue;  // every presynaptic neuron's: decay_presynaptic_traces
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
  int open[2] = {0, -1};            // the group being filled, of projections without and with drawn attributes
  for (size_t k = 0; k < spec_.projections.size(); ++k) {
    const ProjectionSpec& proj = spec_.projections[k];
    if (projections_[k].tiles.used()) continue;  // make_tile_groups
    const PlasticState* plastic = plastic_of_projection_[k] >= 0 ? &plastic_[plastic_of_projection_[k]] : nullptr;
    // A plastic projection's weights are its own already, and its delay is constant (check_limits).
    const bool drawn = !plastic && (proj.draws_weights() || proj.draws_delays());
    cuda::DeliveryGroup<Input>& group = group_with_room(delivery_groups_, open[drawn], &cuda::DeliveryGroup<Input>::drawn,
                                                        drawn, cuda::kProjectionsPerLaunch);
    const ProjectionState& rows = projections_[k];
    const MembraneState& post = membranes_[proj.post];
    const size_t n_post = static_cast<size_t>(local_size(proj.post));
    const unsigned int chunk_size = plastic ? cuda::kPlasticChunk : cuda::kDeliveryChunk;
    float* weights = plastic ? plastic->weight.data() : rows.weights.size() > 0 ? rows.weights.data() : nullptr;
    group.views[group.count++] = cuda::DeliveryView<Input>{
        exchanging() ? all_spike_list(proj.pre) : spike_list(proj.pre),
        chunk_size,
        cuda::chunks_for(rows.longest_row, chunk_size),
        rows.row_start.data(),
        rows.targets.data(),
        post.inputs.data() + static_cast<size_t>(channel_of_projection_[k]) * static_cast<size_t>(post.ring) * n_post,
        static_cast<unsigned int>(post.ring),
        post.ring_slot.data(),
        static_cast<unsigned int>(n_post),
        constant_delay_steps(proj, spec_.simulation.dt_ms),
        rows.delays.size() > 0 ? rows.delays.data() : nullptr,
        jump_of<Input>(proj.weight, proj.tau_syn),
        weights,
        weight_fixed_scale(proj),
        plastic ? plastic->y_post_decayed.data() : nullptr,
        plastic ? plastic->constants : PlasticityConstants{},
        plastic ? plastic->weight_overflow.data() : nullptr};
  }
}

// Projection k's tile index, where tile_geometry gives it tiles; its local targets replace the targets.
template <typename Input>
void CudaBackend<Input>::make_tiles(size_t k) {
  ProjectionState& rows = projections_[k];
  const ProjectionSpec& proj = spec_.projections[k];
  rows.tiles = tile_geometry(spec_, k, local_size(proj.post), static_cast<double>(synapse_counts_[k]), options_.delivery);
  // The index counts from a row's start in 32 bits.
  if (!rows.tiles.used() || rows.longest_row > UINT32_MAX) {
    rows.tiles = TileGeometry{};
    return;
  }
  const int n_pre = static_cast<int>(spec_.populations[proj.pre].size);
  rows.tile_offset = DeviceBuffer<uint32_t>(static_cast<size_t>(n_pre) * (rows.tiles.tiles + 1));
  rows.local = DeviceBuffer<uint16_t>(std::max<size_t>(rows.targets.size(), 1));
  if (n_pre > 0) {
    launch_kernel("index_tiles", static_cast<unsigned int>((static_cast<int64_t>(n_pre) + kThreads - 1) / kThreads),
                  kThreads, nullptr, cuda::index_tiles, n_pre, rows.row_start.data(), rows.targets.data(),
                  rows.tiles.tiles, rows.tiles.shift, rows.tile_offset.data(), rows.local.data());
  }
  cuda_check(cudaDeviceSynchronize(), "indexing tiles");
  rows.targets = DeviceBuffer<uint32_t>();
}

// The projection views deliver_tiles reads, in groups. A tile's rows are shared among `parts` blocks
// where the group has fewer tiles than the launch has blocks, so that every block has work.
template <typename Input>
void CudaBackend<Input>::make_tile_groups() {
  std::vector<std::vector<size_t>> members;
  for (size_t k = 0; k < spec_.projections.size(); ++k) {
    if (!projections_[k].tiles.used()) continue;
    if (members.empty() || members.back().size() == cuda::kTileProjectionsPerLaunch) members.emplace_back();
    members.back().push_back(k);
  }
  for (const std::vector<size_t>& group_members : members) {
    unsigned long long tiles = 0;
    for (size_t k : group_members) tiles += projections_[k].tiles.tiles;
    const unsigned int parts = static_cast<unsigned int>(std::clamp<unsigned long long>(tile_blocks_ / tiles, 1, 64));
    cuda::TileGroup<Input>& group = tile_groups_.emplace_back();
    group.count = 0;
    for (size_t k : group_members) {
      const ProjectionSpec& proj = spec_.projections[k];
      const ProjectionState& rows = projections_[k];
      const MembraneState& post = membranes_[proj.post];
      const size_t n_post = static_cast<size_t>(local_size(proj.post));
      group.views[group.count++] = cuda::TileView<Input>{
          exchanging() ? all_spike_list(proj.pre) : spike_list(proj.pre),
          rows.row_start.data(),
          rows.tile_offset.data(),
          rows.local.data(),
          rows.tiles.tiles,
          rows.tiles.neurons,
          rows.tiles.shift,
          parts,
          post.inputs.data() + static_cast<size_t>(channel_of_projection_[k]) * static_cast<size_t>(post.ring) * n_post,
          static_cast<unsigned int>(post.ring),
          post.ring_slot.data(),
          static_cast<unsigned int>(n_post),
          rows.tiles.first_delay,
          rows.tiles.delay_slots,
          rows.delays.size() > 0 ? rows.delays.data() : nullptr,
          jump_of<Input>(proj.weight, proj.tau_syn),
          rows.weights.size() > 0 ? rows.weights.data() : nullptr,
          weight_fixed_scale(proj)};
    }
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
cuda::PoissonInputView<Input> CudaBackend<Input>::poisson_input_view(int population) const {
  const PoissonInputSpec& in = *spec_.populations[population].poisson_input;
  return cuda::PoissonInputView<Input>{spec_.simulation.seed,
                                       random_stream(RandomPurpose::poisson_input, static_cast<uint32_t>(population)),
                                       static_cast<uint32_t>(partition_.populations[population].begin),
                                       poisson_input_count(in, spec_.simulation.dt_ms), jump_of<Input>(in.weight, in.tau_syn)};
}

template <typename Input>
cuda::SpikeList CudaBackend<Input>::spike_list(int population) const {
  return cuda::SpikeList{step_spikes_[population].data(), step_counts_.data() + 2 * population,
                         static_cast<unsigned int>(step_spikes_[population].size() / 2)};
}

template <typename Input>
cuda::SpikeList CudaBackend<Input>::all_spike_list(int population) const {
  return cuda::SpikeList{all_spikes_[population].data(), all_counts_.data() + 2 * population,
                         static_cast<unsigned int>(all_spikes_[population].size() / 2)};
}

template <typename Input>
cuda::PresynapticTraceView CudaBackend<Input>::presynaptic_trace_view(const PlasticState& p) const {
  const int pre = spec_.projections[p.projection].pre;
  return cuda::PresynapticTraceView{p.y_pre.data(), static_cast<int>(spec_.populations[pre].size),
                                    p.constants.trace_decay, p.constants.trace_jump, all_spike_list(pre)};
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
                           p.constants,
                           p.weight_overflow.data()};
}

std::unique_ptr<Backend> make_cuda_backend(const NetworkSpec& spec, const Network& net, const BackendOptions& options) {
  if (options.mode == AccumulationMode::deterministic) {
    return std::make_unique<CudaBackend<cuda::FixedInput>>(spec, net, options);
  }
  return std::make_unique<CudaBackend<float>>(spec, net, options);
}

#define EISIM_INSTANTIATE_SETUP(Input)                                                                           \
  template CudaBackend<Input>::CudaBackend(const NetworkSpec&, const Network&, const BackendOptions&);        \
  template CudaBackend<Input>::~CudaBackend();                                                               \
  template void CudaBackend<Input>::make_record_set(RecordSet&);                                             \
  template void CudaBackend<Input>::make_exchange_buffers();                                                 \
  template void CudaBackend<Input>::make_tiles(size_t);                                                      \
  template void CudaBackend<Input>::make_tile_groups();                                                 \
  template cuda::SpikeSink CudaBackend<Input>::sink(int, const RecordSet&) const;                            \
  template CudaBackend<Input>::ProjectionState CudaBackend<Input>::build_on_device(size_t);                  \
  template CudaBackend<Input>::ProjectionState CudaBackend<Input>::build_erdos_renyi_on_device(size_t);      \
  template CudaBackend<Input>::ProjectionState CudaBackend<Input>::build_total_number_on_device(size_t);     \
  template void CudaBackend<Input>::index_columns(const ProjectionState&, int, int, PlasticState&);          \
  template void CudaBackend<Input>::make_population_groups(RecordSet&);                                      \
  template void CudaBackend<Input>::make_delivery_groups();                                                   \
  template void CudaBackend<Input>::make_postsynaptic_groups(int);                                            \
  template cuda::SpikeList CudaBackend<Input>::spike_list(int) const;                                         \
  template cuda::PoissonInputView<Input> CudaBackend<Input>::poisson_input_view(int) const;                    \
  template cuda::SpikeList CudaBackend<Input>::all_spike_list(int) const;                                     \
  template cuda::PresynapticTraceView CudaBackend<Input>::presynaptic_trace_view(const PlasticState&) const;  \
  template cuda::PlasticView CudaBackend<Input>::plastic_view(const PlasticState&) const;
EISIM_FOR_EACH_INPUT(EISIM_INSTANTIATE_SETUP)

}  // namespace eisim
