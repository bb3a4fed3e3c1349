// CPU backend: each step's spikes shared among ranks (spike_exchange.hpp); each rank then delivers
// all of them to its own synapses. Mirrors the exchange in kernels/run.cu.
#include "src/cpu/cpu_backend.hpp"

#include "eisim/cluster/spike_exchange.hpp"

namespace eisim {

void CpuBackend::exchange_spikes() {
  std::vector<std::vector<uint32_t>> mine;
  for (const PopulationState& pop : pops_) mine.push_back(pop.spiking);
  std::vector<std::vector<uint32_t>> all = eisim::exchange_spikes(ranks_, partition_, mine);
  for (size_t a = 0; a < pops_.size(); ++a) pops_[a].spiking_all = std::move(all[a]);
}

}  // namespace eisim
