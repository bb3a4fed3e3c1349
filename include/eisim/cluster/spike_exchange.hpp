// Spikes shared among ranks (docs/architecture.md, "Running on several ranks"): one all-gather carries
// every population's spikes of a run of steps. A spike cannot act sooner than the network's shortest
// delay, so the ranks exchange once per that many steps. Slices are contiguous and in rank order, so a
// population's gathered spikes come out in ascending order, as one process finds them. Both backends
// exchange through this; on one rank it is a copy.
#pragma once

#include <cstdint>
#include <vector>

#include "eisim/cluster/communicator.hpp"
#include "eisim/cluster/partition.hpp"
#include "eisim/engine/config.hpp"

namespace eisim {

// One step's spikes, per population, as ascending indices.
using StepSpikes = std::vector<std::vector<uint32_t>>;

// `mine[i][a]`: this rank's spikes of population a in the i-th step of the run, as indices into its
// slice. Returns every rank's, per step and population, as indices into the population. Collective:
// every rank passes the same number of steps.
std::vector<StepSpikes> exchange_spikes(Communicator& ranks, const Partition& share, const std::vector<StepSpikes>& mine);

// Steps between exchanges: the network's shortest delay in steps, since a spike of step n acts at
// n + delay at the earliest; one where a projection is plastic, since its rule needs every rank's
// presynaptic spikes of a step in that step.
int64_t exchange_interval(const NetworkSpec& spec);

}  // namespace eisim
