// The ranges a whole network must keep to, beyond each field's own (docs/architecture.md, "Config
// reference"): what the model needs (a Poisson neuron spikes at most once a step on average, time
// constants longer than a step) and what the engine can represent (32-bit neuron indices, 2^40 steps,
// fixed-point sums that cannot overflow).
#pragma once

#include "eisim/engine/config.hpp"

namespace eisim {

constexpr int64_t kMaxNeurons = (int64_t{1} << 31) - 1;  // in all populations: 32-bit indices and launches
constexpr int64_t kMaxSteps = int64_t{1} << 40;
constexpr int64_t kMaxRateWindows = 1000000;
constexpr int64_t kMaxDelaySteps = 4096;       // per projection: the delay rings hold this many steps of input
constexpr int64_t kMaxRefractorySteps = 1 << 20;
constexpr double kMaxPoissonInputPerStep = 1000.0;  // a population's poisson_input: mean spikes per step
constexpr double kMaxMillivolts = 1e6;  // membrane voltages and currents in a config (the state is float)

// Throws ConfigError naming the field, the value and the limit.
void check_limits(const NetworkSpec& spec);

// The most spikes one presynaptic neuron of population `pre` can contribute to one postsynaptic
// neuron's input in a step, summed over the population: n_pre for neurons that spike at most once
// a step, twice that (plus slack) for a Poisson population, whose step lists the CUDA backend sizes so.
double max_spikes_per_step(const PopulationSpec& pre);

}  // namespace eisim
