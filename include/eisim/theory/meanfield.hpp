// Mean-field theory of the book's Sec. 3.1-3.3 and 4.1, computed from a network description.
// docs/architecture.md, "Where each equation lives".
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "eisim/engine/config.hpp"
#include "eisim/theory/rate_network.hpp"

namespace eisim {

// Mean-field weight w_ab = N_b p_ab j_ab summed over projections b -> a (mV·ms).
double mean_field_weight(const NetworkSpec& spec, int post, int pre);

// The config's "mean_field" curve in the engine's units (gain in spikes/ms per mV).
inline RectifiedLinear mean_field_curve(const MeanFieldSpec& m) { return RectifiedLinear{m.gain_hz_per_mv / 1000.0, m.threshold_mv}; }

struct BalancedRates {
  std::vector<int> populations;  // the spiking populations, in config order
  std::vector<double> rates_hz;
};

// Balanced-state rates r = -W^{-1} W_x r_x (book Eq. 3.9), W among the spiking populations and
// W_x r_x the mean input from the Poisson ones. Absent without Poisson input or when W is singular.
std::optional<BalancedRates> balanced_state_rates(const NetworkSpec& spec);

// The rate model of a config (Eq. 3.11): W among its spiking populations (config order), X their
// mean Poisson input, f for every population, tau per population name (default: its tau_m).
RateNetwork mean_field_rate_network(const NetworkSpec& spec, const RectifiedLinear& f,
                                    const std::map<std::string, double>& tau_ms = {});

// Its fixed point with every population above threshold (Eq. 3.10), in Hz; absent if none.
std::optional<BalancedRates> threshold_linear_rates(const NetworkSpec& spec, const RectifiedLinear& f);

// Book Eq. 4.3: the E-I rate model with a plastic mean-field weight w_ei,
//   tau_e dr_e/dt = -r_e + f(w_ee r_e + w_ei r_i + X_e),  tau_i dr_i/dt = -r_i + f(w_ie r_e + w_ii r_i + X_i),
//   dw_ei/dt = -eps_r (r_e - r0) r_i,  eps_r = 2 eta p_ei N_i,
// for a config with one plastic projection between its two spiking populations, started from the
// static network's mean-field weights and r = 0; tau_e, tau_i are the populations' tau_m.
struct PlasticMeanField {
  std::vector<double> t_ms, rate_e_hz, rate_i_hz, w_ei;
};
std::optional<PlasticMeanField> integrate_plastic_mean_field(const NetworkSpec& spec, const RectifiedLinear& f,
                                                             double record_every_ms);

}  // namespace eisim
