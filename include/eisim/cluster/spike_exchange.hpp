// Each step's spikes shared among ranks (docs/architecture.md, "Running on several ranks"): one
// all-gather carries every population's spikes. Slices are contiguous and in rank order, so a
// population's gathered spikes come out in ascending order, as one process finds them. Both backends
// exchange through this; on one rank it is a copy.
#pragma once

#include <cstdint>
#include <vector>

#include "eisim/cluster/communicator.hpp"
#include "eisim/cluster/partition.hpp"

namespace eisim {

// `mine[a]`: this rank's spikes of population a in the step, as ascending indices into its slice.
// Returns every rank's, per population, as ascending indices into the population. Collective.
std::vector<std::vector<uint32_t>> exchange_spikes(Communicator& ranks, const Partition& share,
                                                   const std::vector<std::vector<uint32_t>>& mine);

}  // namespace eisim
