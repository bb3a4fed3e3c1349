// CPU backend: a step's spikes, from every rank, delivered along their presynaptic rows to this
// rank's synapses (docs/architecture.md, "Backends"). Mirrors kernels/spike_delivery.cuh.
#include "src/cpu/cpu_backend.hpp"

#include "eisim/model/plasticity.hpp"

namespace eisim {

void CpuBackend::deliver(const PopulationState& pre) {
  for (const Outgoing& o : pre.outgoing) {
    const Connectivity& c = net_.projections[o.projection];
    int64_t* input = pops_[o.post].channels[o.channel].input.data();
    const uint32_t* targets = c.targets.data();
    for (uint32_t k : pre.spiking_all) {
      const uint64_t begin = c.row_start[k], end = c.row_start[k + 1];
      if (o.plastic) {
        const float* weight = o.plastic->weight.data();
        for (uint64_t s = begin; s < end; ++s) input[targets[s]] += plastic_jump_fixed(weight[s], o.plastic->constants);
      } else {
        for (uint64_t s = begin; s < end; ++s) input[targets[s]] += o.jump_fixed;
      }
    }
  }
}

}  // namespace eisim
