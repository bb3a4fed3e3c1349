// CPU backend: the order of work within a step (docs/architecture.md, "The order of work within
// a step"), the same as kernels/run.cu queues on the GPU.
#include "src/cpu/cpu_backend.hpp"

namespace eisim {

void CpuBackend::launch(int64_t first_step, int64_t count) { started_.emplace_back(first_step, count); }

void CpuBackend::finish(BlockOutput& out) {
  const auto [first_step, count] = started_.front();
  started_.pop_front();
  const RecordMarks marks = record_marks(out);
  for (int64_t step = first_step; step < first_step + count; ++step) {
    for (size_t a = 0; a < pops_.size(); ++a) {
      if (spec_.populations[a].model != NeuronModel::poisson) update_currents(pops_[a], static_cast<int>(a), step);
    }
    record_traces(step, out);
    record_weights(step, out);
    for (size_t a = 0; a < pops_.size(); ++a) {
      if (spec_.populations[a].model == NeuronModel::poisson) {
        emit_poisson(pops_[a], static_cast<int>(a), step);
      } else {
        update_membranes(pops_[a], spec_.populations[a]);
      }
    }
    exchange_spikes();
    for (size_t a = 0; a < pops_.size(); ++a) {
      const PopulationState& pop = pops_[a];
      deliver(pop, step);
      if (ranks_.rank() != 0) continue;  // rank 0 records every rank's spikes
      SpikeRecord& record = out.spikes[a];
      record.step.insert(record.step.end(), pop.spiking_all.size(), step);
      record.neuron.insert(record.neuron.end(), pop.spiking_all.begin(), pop.spiking_all.end());
    }
    for (Plastic& p : plastic_) apply_plasticity(p);
  }
  gather_block_recordings(ranks_, spec_, partition_, weight_samples_, weight_sums_, marks, out);
}

}  // namespace eisim
