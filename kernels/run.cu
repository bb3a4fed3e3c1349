// CUDA backend: the order of work within a step, as kernel launches, and a block of steps captured
// as one CUDA graph (docs/architecture.md, "The order of work within a step"). Mirrors src/cpu/run.cpp.
#include <algorithm>
#include <numeric>

#include "eisim/cluster/spike_exchange.hpp"
#include "eisim/engine/backend_setup.hpp"
#include "eisim/errors.hpp"
#include "kernels/cuda_backend.cuh"
#include "kernels/kernel_launch.hpp"
#include "kernels/neuron_update.cuh"
#include "kernels/plasticity.cuh"
#include "kernels/recording.cuh"
#include "kernels/spike_delivery.cuh"
#include "kernels/tile_delivery.cuh"

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

// Step s of a block of `count` steps: the neurons, then (on several ranks after the spikes were
// shared, deliver_exchanged) the weight recording and delivery.
template <typename Input>
void CudaBackend<Input>::enqueue_step(int s, int64_t count, const RecordSet& set) {
  enqueue_update(s, set);
  enqueue_delivery(s, count, set);
}

// Every neuron, and the previous step's postsynaptic updates.
template <typename Input>
void CudaBackend<Input>::enqueue_update(int s, const RecordSet& set) {
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
    if (blocks > 0 && group.general) {
      launch_kernel("update_neurons", blocks, cuda::kNeuronThreads, stream_, cuda::update_neurons<Input, true>, group,
                    columns, clock(), s);
    } else if (blocks > 0) {
      launch_kernel("update_neurons", blocks, cuda::kNeuronThreads, stream_, cuda::update_neurons<Input, false>, group,
                    columns, clock(), s);
    }
  }
}

// Weight recording reads the weights at t_n, as the CPU records them: after the previous step's
// postsynaptic updates, before this step's presynaptic ones.
template <typename Input>
void CudaBackend<Input>::enqueue_delivery(int s, int64_t count, const RecordSet& set) {
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
  for (const cuda::TileGroup<Input>& group : tile_groups_) {
    launch_kernel("deliver_tiles", tile_blocks_, cuda::kDeliveryThreads, stream_, cuda::deliver_tiles<Input>, group,
                  clock(), s);
  }
  for (const cuda::DeliveryGroup<Input>& group : delivery_groups_) {
    if (group.drawn) {
      launch_kernel("deliver_spikes", delivery_blocks_, cuda::kDeliveryThreads, stream_,
                    cuda::deliver_spikes<Input, true>, group, step_counts_.data(), populations, clock(), s);
    } else {
      launch_kernel("deliver_spikes", delivery_blocks_, cuda::kDeliveryThreads, stream_,
                    cuda::deliver_spikes<Input, false>, group, step_counts_.data(), populations, clock(), s);
    }
  }
  if (s + 1 == count) {
    for (const PlasticState& p : plastic_) {
      launch_kernel("postsynaptic_updates", delivery_blocks_, cuda::kDeliveryThreads, stream_, cuda::postsynaptic_updates,
                    plastic_view(p), clock(), s);
    }
  }
}

// Several ranks: this rank's spikes of step s, read back through pinned buffers once the GPU has
// computed them, sorted as one process finds them.
template <typename Input>
StepSpikes CudaBackend<Input>::read_step_spikes(int s, const RecordSet& set) {
  const int parity = static_cast<int>((set.first_step + s) & 1);
  const size_t n_pops = spec_.populations.size();
  cuda_check(cudaMemcpyAsync(host_counts_.data(), step_counts_.data(), step_counts_.bytes(), cudaMemcpyDeviceToHost,
                             stream_),
             "read the step's spike counts");
  cuda_check(cudaStreamSynchronize(stream_), "updating the neurons");
  std::vector<unsigned int> count(n_pops);
  for (size_t a = 0; a < n_pops; ++a) {
    // A count past the list's capacity has set the overflow flag: read_block stops the run.
    count[a] = std::min(host_counts_[2 * a + parity], list_capacity_[a]);
    cuda_check(cudaMemcpyAsync(host_mine_.data() + list_offset_[a],
                               step_spikes_[a].data() + static_cast<size_t>(parity) * list_capacity_[a],
                               count[a] * sizeof(uint32_t), cudaMemcpyDeviceToHost, stream_),
               "read the step's spikes");
  }
  cuda_check(cudaStreamSynchronize(stream_), "reading the step's spikes");
  StepSpikes mine(n_pops);
  for (size_t a = 0; a < n_pops; ++a) {
    mine[a].assign(host_mine_.data() + list_offset_[a], host_mine_.data() + list_offset_[a] + count[a]);
    std::sort(mine[a].begin(), mine[a].end());  // the atomics' order: sorted as one process finds them
  }
  return mine;
}

// Before step s's update when earlier steps wait for the exchange: their deliveries, which empty the
// next step's counts, have not run yet.
template <typename Input>
void CudaBackend<Input>::clear_step_counts(int s, const RecordSet& set) {
  const int parity = static_cast<int>((set.first_step + s) & 1);
  for (size_t a = 0; a < spec_.populations.size(); ++a) {
    cuda_check(cudaMemsetAsync(step_counts_.data() + 2 * a + parity, 0, sizeof(unsigned int), stream_),
               "clear the step's spike counts");
  }
}

// Several ranks: the waiting steps' spikes (from step `first` on) go to every rank, and every rank's
// come back to the GPU's all-spike lists, in stream order through pinned buffers of the step's parity.
// Rank 0 keeps them for the record. Then, step by step, the presynaptic traces of every neuron are
// brought to the step, as update_neurons does on one rank, and the spikes are delivered.
template <typename Input>
void CudaBackend<Input>::deliver_exchanged(int first, const std::vector<StepSpikes>& waiting, int64_t count,
                                           RecordSet& set) {
  const std::vector<StepSpikes> all = exchange_spikes(ranks_, partition_, waiting);
  const size_t n_pops = spec_.populations.size();
  for (size_t i = 0; i < all.size(); ++i) {
    const int s = first + static_cast<int>(i);
    const int64_t step = set.first_step + s;
    const int parity = static_cast<int>(step & 1);
    // The copies out of this parity's buffers, two steps ago, are done before the buffers are refilled.
    cuda_check(cudaEventSynchronize(uploaded_[parity]), "uploading every rank's spikes");
    uint32_t* const staged = host_all_.data() + static_cast<size_t>(parity) * list_total_;
    for (size_t a = 0; a < n_pops; ++a) {
      const std::vector<uint32_t>& spikes = all[i][a];
      if (spikes.size() > list_capacity_[a]) {
        throw InternalError("cuda backend: a step brought more spikes than step_capacity");
      }
      std::copy(spikes.begin(), spikes.end(), staged + list_offset_[a]);
      host_all_counts_[2 * a + parity] = static_cast<unsigned int>(spikes.size());
      cuda_check(cudaMemcpyAsync(all_spikes_[a].data() + static_cast<size_t>(parity) * list_capacity_[a],
                                 staged + list_offset_[a], spikes.size() * sizeof(uint32_t), cudaMemcpyHostToDevice,
                                 stream_),
                 "upload every rank's spikes");
      cuda_check(cudaMemcpyAsync(all_counts_.data() + 2 * a + parity, host_all_counts_.data() + 2 * a + parity,
                                 sizeof(unsigned int), cudaMemcpyHostToDevice, stream_),
                 "upload every rank's spike count");
      if (ranks_.rank() == 0) {
        set.exchanged[a].step.insert(set.exchanged[a].step.end(), spikes.size(), step);
        set.exchanged[a].neuron.insert(set.exchanged[a].neuron.end(), spikes.begin(), spikes.end());
      }
    }
    cuda_check(cudaEventRecord(uploaded_[parity], stream_), "cudaEventRecord");
    for (const PlasticState& p : plastic_) {
      const cuda::PresynapticTraceView view = presynaptic_trace_view(p);
      const unsigned int blocks = static_cast<unsigned int>((int64_t{view.n} + kThreads - 1) / kThreads);
      launch_kernel("decay_presynaptic_traces", blocks, kThreads, stream_, cuda::decay_presynaptic_traces, view,
                    clock(), s);
      const size_t spikes = all[i][spec_.projections[p.projection].pre].size();
      if (spikes > 0) {
        launch_kernel("add_presynaptic_spikes", static_cast<unsigned int>((spikes + kThreads - 1) / kThreads), kThreads,
                      stream_, cuda::add_presynaptic_spikes, view, clock(), s);
      }
    }
    enqueue_delivery(s, count, set);
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
      if (m.ring > 1) {
        std::vector<int32_t> slot(static_cast<size_t>(count));
        for (int64_t s = 0; s < count; ++s) slot[s] = static_cast<int32_t>((first_step + s) % m.ring);
        cuda_check(cudaMemcpyAsync(m.ring_slot.data(), slot.data(), slot.size() * sizeof(int32_t),
                                   cudaMemcpyHostToDevice, stream_),
                   "upload ring slots");
      }
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
  set.first_step = first_step;
  set.count = count;
  upload_block_inputs(first_step, count, set);
  if (exchanging()) {  // step by step: the host shares the spikes before delivery
    std::vector<StepSpikes> waiting;  // this rank's spikes of the steps since the last exchange
    for (int s = 0; s < count; ++s) {
      if (!waiting.empty()) clear_step_counts(s, set);
      enqueue_update(s, set);
      waiting.push_back(read_step_spikes(s, set));
      // A spike acts exchange_steps_ steps later at the earliest (exchange_interval), so the ranks
      // share that many steps' spikes at once, and whatever is waiting at the end of a block.
      if ((s + 1) % exchange_steps_ != 0 && s + 1 != count) continue;
      deliver_exchanged(s + 1 - static_cast<int>(waiting.size()), waiting, count, set);
      waiting.clear();
    }
  } else if (count == options_.block_steps) {
    cuda_check(cudaGraphLaunch(set.graph, stream_), "cudaGraphLaunch");
  } else {  // the last, shorter block: plain launches
    for (int64_t s = 0; s < count; ++s) enqueue_step(static_cast<int>(s), count, set);
  }
  cuda_check(cudaEventRecord(set.done, stream_), "cudaEventRecord");
  ++started_;
}

#define EISIM_INSTANTIATE_RUN(Input)                                                    \
  template void CudaBackend<Input>::enqueue_step(int, int64_t, const RecordSet&);      \
  template void CudaBackend<Input>::enqueue_update(int, const RecordSet&);              \
  template void CudaBackend<Input>::enqueue_delivery(int, int64_t, const RecordSet&);   \
  template StepSpikes CudaBackend<Input>::read_step_spikes(int, const RecordSet&);        \
  template void CudaBackend<Input>::clear_step_counts(int, const RecordSet&);              \
  template void CudaBackend<Input>::deliver_exchanged(int, const std::vector<StepSpikes>&, int64_t, RecordSet&); \
  template cudaGraphExec_t CudaBackend<Input>::capture(int64_t, const RecordSet&);     \
  template void CudaBackend<Input>::upload_block_inputs(int64_t, int64_t, const RecordSet&); \
  template void CudaBackend<Input>::launch(int64_t, int64_t);
EISIM_FOR_EACH_INPUT(EISIM_INSTANTIATE_RUN)

}  // namespace eisim
