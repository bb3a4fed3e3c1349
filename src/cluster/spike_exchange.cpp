// Spikes shared among ranks; docs/architecture.md, "Running on several ranks".
#include "eisim/cluster/spike_exchange.hpp"

#include <algorithm>

#include "eisim/engine/network.hpp"

namespace eisim {

std::vector<StepSpikes> exchange_spikes(Communicator& ranks, const Partition& share, const std::vector<StepSpikes>& mine) {
  std::vector<uint32_t> message;  // per step and population: the count, then the spikes
  for (const StepSpikes& step : mine) {
    for (const std::vector<uint32_t>& spikes : step) {
      message.push_back(static_cast<uint32_t>(spikes.size()));
      message.insert(message.end(), spikes.begin(), spikes.end());
    }
  }
  const std::vector<uint32_t> all = all_gather(ranks, message);
  std::vector<StepSpikes> out(mine.size(), StepSpikes(share.populations.size()));
  size_t at = 0;
  for (int r = 0; r < ranks.size(); ++r) {
    for (StepSpikes& step : out) {
      for (size_t a = 0; a < step.size(); ++a) {
        const uint32_t count = all[at++];
        const uint32_t begin = static_cast<uint32_t>(share.slice_of(static_cast<int>(a), r).begin);
        for (uint32_t k = 0; k < count; ++k) step[a].push_back(begin + all[at++]);
      }
    }
  }
  return out;
}

int64_t exchange_interval(const NetworkSpec& spec) {
  int64_t steps = spec.simulation.n_steps();
  for (const ProjectionSpec& proj : spec.projections) {
    if (proj.plasticity) return 1;
    steps = std::min<int64_t>(steps, shortest_delay_steps(proj, spec.simulation.dt_ms));
  }
  return std::max<int64_t>(steps, 1);
}

}  // namespace eisim
