// What a run must tell its user beyond its numbers (docs/architecture.md, "The lower bound and the
// balanced state"): how often the lower bound V_lb held V, and rates far from the balanced state the
// theory predicts, with the likely cause.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "eisim/engine/config.hpp"
#include "eisim/engine/simulation.hpp"

namespace eisim {

// A bound held V in more than this fraction of neuron-steps: worth a warning. In the canonical network
// (CPU, 0.6 s) it holds V in 3-9% of neuron-steps while the rates are balanced, and in 47-72% once the
// network has left the balanced state (in-degree from E 6800 and more at dt = 0.1 ms).
constexpr double kLowerBoundWarning = 0.2;
// Rates off the balanced prediction by more than this factor (either way): worth a warning.
constexpr double kBalancedRateFactor = 2.0;

// The fraction of population a's neuron-steps whose V the lower bound held; none where it has no bound.
std::optional<double> lower_bound_fraction(const NetworkSpec& spec, const RunReport& report, int a);

// One sentence per thing the user should know, naming the population, the figure and the likely cause.
std::vector<std::string> run_warnings(const NetworkSpec& spec, const RunReport& report);

}  // namespace eisim
