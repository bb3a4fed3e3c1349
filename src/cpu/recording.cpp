// CPU backend: traces, weight samples and the queries of the run loop (docs/architecture.md,
// "Recording"). Mirrors kernels/recording.cuh and kernels/readback.cu.
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
      record.values.push_back(pop.V[j]);
      for (const Channel& ch : pop.channels) record.values.push_back(ch.current[j]);
    }
  }
}

void CpuBackend::record_weights(int64_t step, BlockOutput& out) const {
  for (size_t r = 0; r < spec_.recording.weights.size(); ++r) {
    const WeightRecordingSpec& w = spec_.recording.weights[r];
    if (step % w.every_steps != 0) continue;
    const std::vector<float>& weight = plastic_[plastic_of_projection_[w.projection]].weight;
    double sum = 0;
    for (float J : weight) sum += J;
    WeightRecord& record = out.weights[r];
    record.step.push_back(step);
    record.mean.push_back(weight.empty() ? 0.0 : sum / static_cast<double>(weight.size()));
    for (uint64_t s : weight_sample(weight.size(), w.sample)) record.sample.push_back(weight[s]);
  }
}

std::vector<uint64_t> CpuBackend::steps_at_lower_bound() const {
  std::vector<uint64_t> steps;
  for (const PopulationState& pop : pops_) steps.push_back(pop.steps_at_lower_bound);
  return steps;
}

std::vector<uint64_t> CpuBackend::synapse_counts() const {
  std::vector<uint64_t> counts;
  for (const Connectivity& c : net_.projections) counts.push_back(c.synapse_count());
  return counts;
}

SampledSynapses CpuBackend::sampled_synapses(const WeightRecordingSpec& w) const {
  const Connectivity& c = net_.projections[w.projection];
  const std::vector<uint64_t> sample = weight_sample(c.synapse_count(), w.sample);
  SampledSynapses sampled{presynaptic_neurons(c.row_start, sample), {}};
  for (uint64_t s : sample) sampled.post.push_back(static_cast<int32_t>(c.targets[s]));
  return sampled;
}

std::vector<float> CpuBackend::weights(int projection) const {
  if (plastic_of_projection_[projection] >= 0) return plastic_[plastic_of_projection_[projection]].weight;
  return std::vector<float>(net_.projections[projection].synapse_count(),
                            static_cast<float>(spec_.projections[projection].weight));
}

}  // namespace eisim
