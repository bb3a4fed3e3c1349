// CPU backend: each step's spikes shared among ranks (docs/architecture.md, "Running on several
// ranks"): one all-gather carries every population's spikes, and each rank then delivers all of them
// to its own synapses. On one rank it is a copy. Slices are contiguous and in rank order, so the
// gathered spikes of a population come out in ascending order, as one process finds them.
#include "src/cpu/cpu_backend.hpp"

namespace eisim {

void CpuBackend::exchange_spikes() {
  std::vector<uint32_t> mine;  // per population: the count, then the spikes
  for (const PopulationState& pop : pops_) {
    mine.push_back(static_cast<uint32_t>(pop.spiking.size()));
    mine.insert(mine.end(), pop.spiking.begin(), pop.spiking.end());
  }
  const std::vector<uint32_t> all = all_gather(ranks_, mine);
  for (PopulationState& pop : pops_) pop.spiking_all.clear();
  size_t at = 0;
  for (int r = 0; r < ranks_.size(); ++r) {
    for (size_t a = 0; a < pops_.size(); ++a) {
      const uint32_t count = all[at++];
      const uint32_t begin = static_cast<uint32_t>(partition_.slice_of(static_cast<int>(a), r).begin);
      for (uint32_t k = 0; k < count; ++k) pops_[a].spiking_all.push_back(begin + all[at++]);
    }
  }
}

}  // namespace eisim
