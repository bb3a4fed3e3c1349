// CPU backend: the plasticity rule of one step (book Eq. 4.1/4.2; docs/architecture.md, "Backends").
// Mirrors kernels/plasticity.cuh.
#include "src/cpu/cpu_backend.hpp"

#include "eisim/errors.hpp"
#include "eisim/model/plasticity.hpp"

namespace eisim {

// Traces decay over the step; then presynaptic spikes update their rows with the postsynaptic
// traces and enter their own trace; then postsynaptic spikes update their columns with the
// (now current) presynaptic traces and enter theirs. So a pair of spikes in the same step
// changes the weight by 2 eta r0 - eta / tau_y, the Delta t = 0 limit of the book's window.
// Presynaptic spikes come from every rank (each rank keeps every presynaptic trace); postsynaptic
// ones are this rank's.
void CpuBackend::apply_plasticity(Plastic& p) {
  const ProjectionSpec& proj = spec_.projections[p.projection];
  const Connectivity& c = net_.projections[p.projection];
  const PlasticityConstants& k = p.constants;
  for (float& y : p.y_pre) y = trace_decayed(y, k.trace_decay);
  for (float& y : p.y_post) y = trace_decayed(y, k.trace_decay);
  bool in_range = true;
  for (uint32_t i : pops_[proj.pre].spiking_all) {
    for (uint64_t s = c.row_start[i]; s < c.row_start[i + 1]; ++s) {
      p.weight[s] = after_presynaptic_spike(p.weight[s], p.y_post[c.targets[s]], k);
      in_range &= weight_in_range(p.weight[s], k);
    }
    p.y_pre[i] = trace_after_spike(p.y_pre[i], k.trace_jump);
  }
  for (uint32_t j : pops_[proj.post].spiking) {
    for (uint64_t m = p.incoming.start[j]; m < p.incoming.start[j + 1]; ++m) {
      const uint64_t s = p.incoming.synapse[m];
      p.weight[s] = after_postsynaptic_spike(p.weight[s], p.y_pre[p.incoming.pre[m]], k);
      in_range &= weight_in_range(p.weight[s], k);
    }
    p.y_post[j] = trace_after_spike(p.y_post[j], k.trace_jump);
  }
  if (!in_range) throw RuntimeProblem(weight_out_of_range_message(proj, k));
}

}  // namespace eisim
