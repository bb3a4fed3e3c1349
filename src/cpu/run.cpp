// CPU backend: the order of work within a step (docs/architecture.md, "The order of work within
// a step"), the same as kernels/run.cu queues on the GPU.
#include "src/cpu/cpu_backend.hpp"

#include "eisim/cluster/spike_exchange.hpp"

namespace eisim {

void CpuBackend::launch(int64_t first_step, int64_t count) { started_.emplace_back(first_step, count); }

void CpuBackend::finish(BlockOutput& out) {
  const auto [first_step, count] = started_.front();
  started_.pop_front();
  const RecordMarks marks = record_marks(out);
  std::vector<StepSpikes> waiting;  // this rank's spikes of the steps since the last exchange
  for (int64_t step = first_step; step < first_step + count; ++step) {
    for (size_t a = 0; a < pops_.size(); ++a) {
      if (spec_.populations[a].model != NeuronModel::poisson) update_currents(pops_[a], static_cast<int>(a), step);
    }
    record_traces(step, out);
    record_weights(step, out);
    StepSpikes& mine = waiting.emplace_back();
    for (size_t a = 0; a < pops_.size(); ++a) {
      if (spec_.populations[a].model == NeuronModel::poisson) {
        emit_poisson(pops_[a], static_cast<int>(a), step);
      } else {
        update_membranes(pops_[a], spec_.populations[a]);
      }
      mine.push_back(pops_[a].spiking);
    }
    // A spike acts exchange_steps_ steps later at the earliest, so the ranks share that many steps'
    // spikes at once (and whatever is waiting at the end of a block).
    const int64_t done = step + 1 - first_step;
    if (done % exchange_steps_ != 0 && done != count) continue;
    std::vector<StepSpikes> all = exchange_spikes(ranks_, partition_, waiting);
    for (size_t i = 0; i < all.size(); ++i) {
      const int64_t at = step + 1 - static_cast<int64_t>(all.size() - i);
      for (size_t a = 0; a < pops_.size(); ++a) {
        PopulationState& pop = pops_[a];
        pop.spiking_all = std::move(all[i][a]);
        deliver(pop, at);
        if (ranks_.rank() != 0) continue;  // rank 0 records every rank's spikes
        SpikeRecord& record = out.spikes[a];
        record.step.insert(record.step.end(), pop.spiking_all.size(), at);
        record.neuron.insert(record.neuron.end(), pop.spiking_all.begin(), pop.spiking_all.end());
      }
      // With a plastic projection the ranks exchange every step, so `spiking` is still step `at`'s.
      for (Plastic& p : plastic_) apply_plasticity(p);
    }
    waiting.clear();
  }
  gather_block_recordings(ranks_, spec_, partition_, weight_samples_, weight_sums_, marks, out);
}

}  // namespace eisim
