// The built network: connectivity of every projection, presynaptic-major (CSR), generated from
// counter-based draws so that any backend or thread count builds the same synapses.
// docs/architecture.md, "Network build and backend set-up".
#pragma once

#include <cstdint>
#include <vector>

#include "eisim/cluster/partition.hpp"
#include "eisim/engine/config.hpp"
#include "eisim/model/synapse_draws.hpp"

namespace eisim {

struct Connectivity {
  // Targets of presynaptic neuron k: targets[row_start[k] .. row_start[k+1]), ascending, as indices
  // into the postsynaptic slice built (the whole population on one rank). Every presynaptic neuron
  // has a row. Autapses and (fixed in-degree) no multapses.
  std::vector<uint64_t> row_start;
  std::vector<uint32_t> targets;
  // Per synapse, in the same order, only where the projection draws them (weight_sd, delay_sd):
  std::vector<float> weight;          // J, mV·ms
  std::vector<uint16_t> delay_steps;  // whole steps, >= 1
  uint64_t synapse_count() const { return targets.size(); }
};

struct Network {
  std::vector<Connectivity> projections;  // one per NetworkSpec::projections entry
  uint64_t synapse_count() const;
};

// Expected number of synapses of projection k (exact for fixed in-degree and all-to-all).
double expected_synapses(const NetworkSpec& spec, size_t k);

// The connection probability of a probability or all-to-all projection (1 for all-to-all).
double erdos_renyi_p(const ProjectionSpec& proj);

// Projection k's random stream: its connectivity is a function of (seed, this stream) alone.
uint32_t connectivity_stream(size_t k);

// The distributions a projection's per-synapse weights and delays (ms) are drawn from
// (model/synapse_draws.hpp), and their streams.
TruncatedNormal weight_distribution(const ProjectionSpec& proj);
TruncatedNormal delay_distribution(const ProjectionSpec& proj, double dt);
uint32_t weight_stream(size_t k);
uint32_t split_stream(size_t k);  // the fixed-total-number rule's split of its synapses among blocks

// A fixed-total-number projection k's synapses per block of kTotalNumberBlock postsynaptic neurons
// (model/fixed_total_number.hpp): the multinomial split, block b taking Binomial(left, size_b / neurons
// left), keyed by b. Every rank draws the whole split, a few draws per block.
std::vector<uint64_t> synapses_per_block(const NetworkSpec& spec, size_t k);
uint32_t delay_stream(size_t k);

// A projection's delay in steps where it is constant (one step without a delay), its shortest and
// its longest.
uint32_t constant_delay_steps(const ProjectionSpec& proj, double dt);
uint32_t shortest_delay_steps(const ProjectionSpec& proj, double dt);
uint32_t longest_delay_steps(const ProjectionSpec& proj, double dt);

// What projection k draws per synapse (model/synapse_draws.hpp).
SynapseDraws synapse_draws(const NetworkSpec& spec, size_t k);

// Draws the per-synapse weights and delays of a built projection k whose targets start at
// `first_target` of the postsynaptic population (a rank's slice), where it has them.
void draw_synapse_attributes(const NetworkSpec& spec, size_t k, int64_t first_target, int threads, Connectivity& c);

// Builds every projection, or only those with on_host[k] set (the others are left empty, for a
// backend that builds them itself): the synapses onto `share`'s slices (a rank's share, and drawn
// only there), or onto every neuron when it is null. Check the memory first (require_runnable,
// backend.hpp) where the size is not small.
Network build_network(const NetworkSpec& spec, int threads, const std::vector<bool>& on_host = {},
                      const Partition* share = nullptr);

}  // namespace eisim
