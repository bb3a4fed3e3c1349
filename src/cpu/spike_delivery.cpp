// CPU backend: a step's spikes, from every rank, delivered along their presynaptic rows to this
// rank's synapses (docs/architecture.md, "Backends"). Mirrors kernels/spike_delivery.cuh.
#include "src/cpu/cpu_backend.hpp"

#include "eisim/model/synapse.hpp"

namespace eisim {

// A spike of step n with a delay of d steps acts at step n + d: it goes to that step's slot of the ring.
void CpuBackend::deliver(const PopulationState& pre, int64_t step) {
  for (const Outgoing& o : pre.outgoing) {
    const Connectivity& c = net_.projections[o.projection];
    const PopulationState& post = pops_[o.post];
    int64_t* ring = pops_[o.post].channels[o.channel].input.data();
    const size_t n = static_cast<size_t>(post.slice.size());
    // (step + delay) mod slots, with delay in [1, slots]: no division per synapse (as on the GPU).
    const size_t now = static_cast<size_t>(step % post.ring), slots = static_cast<size_t>(post.ring);
    const auto slot_of = [&](uint32_t delay) {
      const size_t q = now + delay;
      return ring + (q >= slots ? q - slots : q) * n;
    };
    const uint32_t* targets = c.targets.data();
    int64_t* input = slot_of(o.delay);
    for (uint32_t k : pre.spiking_all) {
      const uint64_t begin = c.row_start[k], end = c.row_start[k + 1];
      if (!o.delays && !o.weights) {  // the book's synapses: the plain loop
        for (uint64_t s = begin; s < end; ++s) input[targets[s]] += o.jump_fixed;
        continue;
      }
      for (uint64_t s = begin; s < end; ++s) {
        int64_t* to = o.delays ? slot_of(o.delays[s]) : input;
        to[targets[s]] += o.weights ? weight_jump_fixed(o.weights[s], o.fixed_scale) : o.jump_fixed;
      }
    }
  }
}

}  // namespace eisim
