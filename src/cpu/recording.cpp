// CPU backend: traces, weight samples and the queries of the run loop (docs/architecture.md,
// "Recording"). Mirrors kernels/recording.cuh and kernels/readback.cu. Each rank records what it
// holds; rank 0 gathers each block's recordings (rank_recording.hpp).
#include "src/cpu/cpu_backend.hpp"

#include "eisim/engine/backend_setup.hpp"

namespace eisim {

void CpuBackend::record_traces(int64_t step, BlockOutput& out) const {
  for (size_t k = 0; k < spec_.recording.traces.size(); ++k) {
    const TraceSpec& trace = spec_.recording.traces[k];
    if (step % trace.every_steps != 0) continue;
    const PopulationState& pop = pops_[trace.population];
    TraceRecord& record = out.traces[k];
    record.step.push_back(step);
    for (int64_t j : trace.neurons) {
      if (j < pop.slice.begin || j >= pop.slice.end) continue;  // another rank's
      const int64_t local = j - pop.slice.begin;
      record.values.push_back(pop.V[local]);
      for (const Channel& ch : pop.channels) record.values.push_back(ch.current[local]);
    }
  }
}

void CpuBackend::record_weights(int64_t step, BlockOutput& out) {
  for (size_t r = 0; r < spec_.recording.weights.size(); ++r) {
    const WeightRecordingSpec& w = spec_.recording.weights[r];
    if (step % w.every_steps != 0) continue;
    const std::vector<float>& weight = plastic_[plastic_of_projection_[w.projection]].weight;
    __int128 sum = 0;
    for (float J : weight) sum += weight_sum_term(J);
    WeightRecord& record = out.weights[r];
    record.step.push_back(step);
    weight_sums_[r].push_back(sum);
    for (uint64_t s : weight_samples_[r].synapse) record.sample.push_back(weight[s]);
  }
}

std::vector<uint64_t> CpuBackend::steps_at_lower_bound() const {
  std::vector<uint64_t> steps;
  for (const PopulationState& pop : pops_) steps.push_back(pop.steps_at_lower_bound);
  ranks_.sum(steps.data(), steps.size());
  return steps;
}

std::vector<uint64_t> CpuBackend::synapse_counts() const {
  std::vector<uint64_t> counts;
  for (const Connectivity& c : net_.projections) counts.push_back(c.synapse_count());
  ranks_.sum(counts.data(), counts.size());
  return counts;
}

std::vector<ProjectionDelivery> CpuBackend::projection_delivery() const {
  std::vector<ProjectionDelivery> out;
  for (size_t k = 0; k < net_.projections.size(); ++k) {
    const double synapses = static_cast<double>(net_.projections[k].synapse_count());
    out.push_back(ProjectionDelivery{Delivery::rows, row_bytes_per_synapse(spec_, k, synapses)});
  }
  return out;
}

SampledSynapses CpuBackend::sampled_synapses(int recording) const {
  const WeightRecordingSpec& w = spec_.recording.weights[recording];
  const RankWeightSample& sample = weight_samples_[recording];
  const Connectivity& c = net_.projections[w.projection];
  const int64_t post_begin = pops_[spec_.projections[w.projection].post].slice.begin;
  SampledSynapses mine{presynaptic_neurons(c.row_start, sample.synapse), {}};
  for (uint64_t s : sample.synapse) mine.post.push_back(static_cast<int32_t>(post_begin + c.targets[s]));
  return gather_sampled_synapses(ranks_, sample, mine);
}

// This rank's synapses.
std::vector<float> CpuBackend::weights(int projection) const {
  if (plastic_of_projection_[projection] >= 0) return plastic_[plastic_of_projection_[projection]].weight;
  return std::vector<float>(net_.projections[projection].synapse_count(),
                            static_cast<float>(spec_.projections[projection].weight));
}

}  // namespace eisim
