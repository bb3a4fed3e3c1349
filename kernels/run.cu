// CUDA backend: the order of work within a step, as kernel launches, and a block of steps captured
// as one CUDA graph (docs/architecture.md, "The order of work within a step"). Mirrors src/cpu/run.cpp.
#include <algorithm>
#include <numeric>

#include "eisim/engine/backend_setup.hpp"
#include "kernels/cuda_backend.cuh"
#include "kernels/kernel_launch.hpp"
#include "kernels/neuron_update.cuh"
#include "kernels/plasticity.cuh"
#include "kernels/recording.cuh"
#include "kernels/spike_delivery.cuh"

namespace eisim {
namespace {

// For each step of a block, the trace sample it records (numbered from the block's first), or -1.
std::vector<int32_t> sample_of_each_step(int64_t first_step, int64_t count, int64_t every) {
  const int64_t first_sample = samples_within(first_step, count, every).first;
  std::vector<int32_t> sample(static_cast<size_t>(count), -1);
  for (int64_t s = 0; s < count; ++s) {
    if ((first_step + s) % every == 0) sample[s] = static_cast<int32_t>((first_step + s) / every - first_sample);
  }
  return sample;
}

}  // namespace

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
    const unsigned int blocks =
        columns.blocks + static_cast<unsigned int>((static_cast<int64_t>(group.neurons) + cuda::kNeuronThreads - 1) /
                                                   cuda::kNeuronThreads);
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
  if (count > options_.block_steps) throw InternalError("cuda backend: start: more steps than a block");
  if (first_step % options_.block_steps != 0) {
    throw InternalError("cuda backend: start: blocks begin at multiples of block_steps (the graph's weight recording assumes it)");
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

#define EISIM_INSTANTIATE_RUN(Input)                                                    \
  template void CudaBackend<Input>::enqueue_step(int, int64_t, const RecordSet&);      \
  template cudaGraphExec_t CudaBackend<Input>::capture(int64_t, const RecordSet&);     \
  template void CudaBackend<Input>::upload_block_inputs(int64_t, int64_t, const RecordSet&); \
  template void CudaBackend<Input>::launch(int64_t, int64_t);
EISIM_FOR_EACH_INPUT(EISIM_INSTANTIATE_RUN)

}  // namespace eisim
