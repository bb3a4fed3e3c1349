// CUDA backend: a finished block's spikes, traces and weight samples, sorted on the GPU into the
// CPU's order and copied to the host while the next block runs (docs/architecture.md, "Recording").
// Mirrors src/cpu/recording.cpp.
#include <cub/device/device_radix_sort.cuh>

#include "eisim/engine/backend_setup.hpp"
#include "eisim/errors.hpp"
#include "kernels/cuda_backend.cuh"

namespace eisim {
template <typename Input>
void CudaBackend<Input>::finish(BlockOutput& out) {
  RecordSet& set = sets_[collected_ % 2];
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
// On several ranks the spikes are those every rank shared, which rank 0 kept; the traces and weights
// are gathered to rank 0 (rank_recording.hpp), as on one rank.
template <typename Input>
void CudaBackend<Input>::read_block(RecordSet& set, BlockOutput& out) {
  const RecordMarks marks = record_marks(out);
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
    if (exchanging()) {
      SpikeRecord& kept = set.exchanged[a];
      SpikeRecord& record = out.spikes[a];
      record.step.insert(record.step.end(), kept.step.begin(), kept.step.end());
      record.neuron.insert(record.neuron.end(), kept.neuron.begin(), kept.neuron.end());
      kept = SpikeRecord{};
      continue;
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
  for (const PlasticState& p : plastic_) {
    unsigned int beyond = 0;
    cuda_check(cudaMemcpy(&beyond, p.weight_overflow.data(), sizeof beyond, cudaMemcpyDeviceToHost),
               "read the plastic weights' range flag");
    if (beyond) throw RuntimeProblem(weight_out_of_range_message(spec_.projections[p.projection], p.constants));
  }
  for (size_t t = 0; t < spec_.recording.traces.size(); ++t) {
    const TraceSpec& trace = spec_.recording.traces[t];
    const SampleRange samples = samples_within(first_step, count, trace.every_steps);
    if (samples.count == 0) continue;
    const size_t width = static_cast<size_t>(traced_here_[t]) * (1 + membranes_[trace.population].channels);
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
    std::vector<__int128> partial(samples.count * threads);
    cuda_check(cudaMemcpy(partial.data(), set.weight_sums[r].data(), partial.size() * sizeof(__int128),
                          cudaMemcpyDeviceToHost),
               "read weight sums");
    WeightRecord& record = out.weights[r];
    const size_t before = record.sample.size();
    record.sample.resize(before + samples.count * sampled);
    cuda_check(cudaMemcpy(record.sample.data() + before, set.weight_samples[r].data(),
                          samples.count * sampled * sizeof(float), cudaMemcpyDeviceToHost),
               "read sampled weights");
    for (size_t s = 0; s < samples.count; ++s) {
      __int128 sum = 0;
      for (size_t t = 0; t < threads; ++t) sum += partial[s * threads + t];
      record.step.push_back((samples.first + static_cast<int64_t>(s)) * w.every_steps);
      weight_sums_[r].push_back(sum);  // the mean comes with every rank's sums
    }
  }
  gather_block_recordings(ranks_, spec_, partition_, rank_samples_, weight_sums_, marks, out);
}

// The projection may have been built here: its row starts and the sampled targets come from the GPU.
template <typename Input>
SampledSynapses CudaBackend<Input>::sampled_synapses(int recording) const {
  const WeightRecordingSpec& w = spec_.recording.weights[recording];
  const ProjectionState& rows = projections_[w.projection];
  std::vector<unsigned long long> row_start(rows.row_start.size());
  cuda_check(cudaMemcpy(row_start.data(), rows.row_start.data(), rows.row_start.bytes(), cudaMemcpyDeviceToHost),
             "read row starts");
  const std::vector<uint64_t>& sample = rank_samples_[recording].synapse;
  SampledSynapses mine{presynaptic_neurons(std::vector<uint64_t>(row_start.begin(), row_start.end()), sample), {}};
  const int64_t post_begin = partition_.populations[spec_.projections[w.projection].post].begin;
  for (uint64_t s : sample) {
    uint32_t target = 0;
    cuda_check(cudaMemcpy(&target, rows.targets.data() + s, sizeof target, cudaMemcpyDeviceToHost), "read a target");
    mine.post.push_back(static_cast<int32_t>(post_begin + target));
  }
  return gather_sampled_synapses(ranks_, rank_samples_[recording], mine);
}

template <typename Input>
std::vector<uint64_t> CudaBackend<Input>::synapse_counts() const {
  std::vector<uint64_t> counts = synapse_counts_;
  ranks_.sum(counts.data(), counts.size());
  return counts;
}

template <typename Input>
std::vector<ProjectionDelivery> CudaBackend<Input>::projection_delivery() const {
  std::vector<ProjectionDelivery> out;
  for (size_t k = 0; k < projections_.size(); ++k) {
    const TileGeometry& tiles = projections_[k].tiles;
    out.push_back(ProjectionDelivery{tiles.used() ? Delivery::tiles : Delivery::rows,
                                     delivery_bytes_per_synapse(spec_, k, static_cast<double>(synapse_counts_[k]), tiles)});
  }
  return out;
}

template <typename Input>
std::vector<uint64_t> CudaBackend<Input>::steps_at_lower_bound() const {
  cuda_check(cudaStreamSynchronize(stream_), "finishing the started blocks");
  std::vector<uint64_t> steps;
  for (const MembraneState& m : membranes_) {
    std::vector<unsigned long long> per_neuron(m.at_bound.size());
    if (!per_neuron.empty()) {
      cuda_check(cudaMemcpy(per_neuron.data(), m.at_bound.data(), m.at_bound.bytes(), cudaMemcpyDeviceToHost),
                 "read the lower bound's counts");
    }
    uint64_t total = 0;
    for (unsigned long long count : per_neuron) total += count;
    steps.push_back(total);
  }
  ranks_.sum(steps.data(), steps.size());
  return steps;
}

template <typename Input>
std::vector<float> CudaBackend<Input>::weights(int projection) const {
  if (plastic_of_projection_[projection] < 0) {
    return std::vector<float>(synapse_counts_[projection],
                              static_cast<float>(spec_.projections[projection].weight));
  }
  const DeviceBuffer<float>& weight = plastic_[plastic_of_projection_[projection]].weight;
  std::vector<float> out(weight.size());
  cuda_check(cudaStreamSynchronize(stream_), "finishing the started blocks");
  cuda_check(cudaMemcpy(out.data(), weight.data(), weight.bytes(), cudaMemcpyDeviceToHost), "read weights");
  return out;
}

#define EISIM_INSTANTIATE_READBACK(Input)                                                               \
  template void CudaBackend<Input>::finish(BlockOutput&);                                              \
  template const unsigned long long* CudaBackend<Input>::sort_on_device(unsigned long long*, size_t);  \
  template void CudaBackend<Input>::read_block(RecordSet&, BlockOutput&);                              \
  template std::vector<uint64_t> CudaBackend<Input>::synapse_counts() const;                           \
  template std::vector<ProjectionDelivery> CudaBackend<Input>::projection_delivery() const;             \
  template SampledSynapses CudaBackend<Input>::sampled_synapses(int) const;                           \
  template std::vector<float> CudaBackend<Input>::weights(int) const;                                   \
  template std::vector<uint64_t> CudaBackend<Input>::steps_at_lower_bound() const;
EISIM_FOR_EACH_INPUT(EISIM_INSTANTIATE_READBACK)

}  // namespace eisim
