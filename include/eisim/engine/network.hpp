// The built network: connectivity of every projection, presynaptic-major (CSR), generated from
// counter-based draws so that any backend or thread count builds the same synapses.
#pragma once

#include <cstdint>
#include <vector>

#include "eisim/engine/config.hpp"

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

// Bytes the host needs while building the network's connectivity (only projections with
// on_host[k] set, when given; see build_network).
double estimate_connectivity_bytes(const NetworkSpec& spec, const std::vector<bool>& on_host = {});

// Throws RuntimeProblem, naming the estimate and the memory available, if it will not fit.
void check_host_memory(const NetworkSpec& spec, const std::vector<bool>& on_host = {});

// The connection probability of a probability or all-to-all projection (1 for all-to-all).
double erdos_renyi_p(const ProjectionSpec& proj);

// Projection k's random stream: its connectivity is a function of (seed, this stream) alone.
uint32_t connectivity_stream(size_t k);

// Builds every projection, or only those with on_host[k] set (the others are left empty, for a
// backend that builds them itself). Call check_host_memory first where the size is not small.
Network build_network(const NetworkSpec& spec, int threads, const std::vector<bool>& on_host = {});

}  // namespace eisim
