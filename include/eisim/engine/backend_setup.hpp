// Initial state and constants that every backend derives from a NetworkSpec the same way, so
// the backends start from identical numbers (host code; the device gets the results).
// docs/architecture.md, "Network build and backend set-up".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "eisim/engine/config.hpp"
#include "eisim/model/neuron.hpp"
#include "eisim/model/plasticity.hpp"
#include "eisim/model/poisson.hpp"
#include "eisim/engine/network.hpp"

namespace eisim {

MembraneConstants membrane_constants(const MembraneParams& m, double dt);

// The slots of a population's delay rings: its synaptic inputs of this many steps, the longest delay
// of its incoming projections (1 without delays). Step n's input is in slot n mod ring_slots.
int ring_slots(const NetworkSpec& spec, int population);

// V(0) of the neurons `neurons` of a membrane population: U(v0_low, v0_high) or N(v0_low, v0_sd) from
// counter-based draws.
std::vector<float> initial_potentials(const NetworkSpec& spec, int population, Slice neurons);

// First candidate spike time of the neurons `neurons` of a Poisson population.
std::vector<double> initial_poisson_candidates(const NetworkSpec& spec, int population, Slice neurons);

// A Poisson population's thinning acceptance r(t_n) / r_max at each step of [first, first + count).
std::vector<double> poisson_acceptance(const PopulationSpec& pop, double dt, int64_t first, int64_t count);
double poisson_acceptance_at(const PopulationSpec& pop, double dt, int64_t step);

// A membrane population's external current at each step of [first, first + count).
std::vector<float> external_current(const PopulationSpec& pop, double dt, int64_t first, int64_t count);
float external_current_at(const PopulationSpec& pop, double dt, int64_t step);

// The jump J / tau_syn of a projection's spikes, in the fixed point of model/synapse.hpp.
int64_t jump_fixed(const ProjectionSpec& proj);

// Bytes per synapse of a projection's drawn weights (4, where it draws them) and delays (2).
double drawn_bytes_per_synapse(const ProjectionSpec& proj);

// Bytes per synapse of projection k's rows, for `synapses` of them: row starts (8 bytes per
// presynaptic neuron), targets (4) and the drawn weights and delays.
double row_bytes_per_synapse(const NetworkSpec& spec, size_t k, double synapses);

// 2^32 / tau_syn: turns a synapse's own weight J into its fixed-point jump (weight_jump_fixed).
double weight_fixed_scale(const ProjectionSpec& proj);

// A synaptic current of time constant tau_syn of population `post` over one step: its decay, 1 - dt /
// tau_syn (Euler) or e^{-dt/tau_syn} where the population is integrated exactly, and its gain in the
// total input: 1, or the exact propagator P_c of lif_exact (include/eisim/model/neuron.hpp).
float synaptic_decay(const NetworkSpec& spec, int post, double tau_syn);
float synaptic_gain(const NetworkSpec& spec, int post, double tau_syn);

// A population's Poisson input per step: its mean count r dt and where its count stops (poisson_count).
PoissonCount poisson_input_count(const PoissonInputSpec& input, double dt);

// The constants of a plastic projection's rule.
PlasticityConstants plasticity_constants(const NetworkSpec& spec, int projection);

// What a backend says when plasticity drove a weight of `proj` out of weight_in_range.
std::string weight_out_of_range_message(const ProjectionSpec& proj, const PlasticityConstants& c);

// A projection's synapses grouped by postsynaptic neuron, so that a postsynaptic spike reaches
// its incoming synapses without scanning the matrix: synapse[start[j] .. start[j+1]) are the
// (presynaptic-major) indices of the synapses onto neuron j, pre[...] their presynaptic neurons.
struct PostsynapticIndex {
  std::vector<uint64_t> start;
  std::vector<uint64_t> synapse;
  std::vector<uint32_t> pre;
};
PostsynapticIndex postsynaptic_index(const Connectivity& c, int64_t n_post);

// The synapses whose weights are sampled for recording: `count` indices evenly spaced in
// presynaptic-major order (fewer when the projection has fewer synapses).
std::vector<uint64_t> weight_sample(uint64_t synapses, int64_t count);

// The presynaptic neuron of each of `synapses`, from a CSR structure's row starts.
std::vector<int32_t> presynaptic_neurons(const std::vector<uint64_t>& row_start, const std::vector<uint64_t>& synapses);

}  // namespace eisim
