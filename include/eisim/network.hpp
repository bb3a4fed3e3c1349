// The built network: connectivity of every projection, presynaptic-major (CSR), generated from
// counter-based draws so that any backend or thread count builds the same synapses.
#pragma once

#include <cstdint>
#include <vector>

#include "eisim/config.hpp"

namespace eisim {

struct Connectivity {
  // Targets of presynaptic neuron k: targets[row_start[k] .. row_start[k+1]), ascending,
  // as indices into the postsynaptic population. Autapses and (fixed in-degree) no multapses.
  std::vector<uint64_t> row_start;
  std::vector<uint32_t> targets;
  uint64_t synapse_count() const { return targets.size(); }
};

struct Network {
  std::vector<Connectivity> projections;  // one per NetworkSpec::projections entry
  uint64_t synapse_count() const;
};

// Expected number of synapses of projection k (exact for fixed in-degree and all-to-all).
double expected_synapses(const NetworkSpec& spec, size_t k);

// Bytes the host needs while building the network's connectivity.
double estimate_connectivity_bytes(const NetworkSpec& spec);

// Throws RuntimeProblem, naming the estimate and the memory available, if it will not fit.
void check_host_memory(const NetworkSpec& spec);

// Call check_host_memory first where the size is not known to be small.
Network build_network(const NetworkSpec& spec, int threads);

}  // namespace eisim
