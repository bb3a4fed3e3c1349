// Mean-field theory of the book's Sec. 3.1-3.2, computed from a network description.
#pragma once

#include <optional>
#include <vector>

#include "eisim/config.hpp"

namespace eisim {

// Mean-field weight w_ab = N_b p_ab j_ab summed over projections b -> a (mV·ms).
double mean_field_weight(const NetworkSpec& spec, int post, int pre);

struct BalancedRates {
  std::vector<int> populations;  // the spiking populations, in config order
  std::vector<double> rates_hz;
};

// Balanced-state rates r = -W^{-1} W_x r_x (book Eq. 3.9), W among the spiking populations and
// W_x r_x the mean input from the Poisson ones. Absent without Poisson input or when W is singular.
std::optional<BalancedRates> balanced_state_rates(const NetworkSpec& spec);

}  // namespace eisim
