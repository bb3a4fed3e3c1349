// The f-I curve of a neuron driven by Poisson synapses, measured by simulation while the
// excitatory input rate is swept (book Fig. 2.6), and its threshold-linear fit (book Sec. 2.3).
// docs/architecture.md, "Where each equation lives".
#pragma once

#include <cstdint>
#include <vector>

#include "eisim/engine/config.hpp"
#include "eisim/theory/rectified_linear.hpp"

namespace eisim {

// Inputs of book Fig. 2.5/2.6: K_e excitatory Poisson inputs at a swept rate, K_i inhibitory at r_i.
struct FiProtocol {
  int64_t K_e = 200;
  double j_e = 15.0, tau_e = 8.0;
  int64_t K_i = 50;
  double j_i = -15.0, tau_i = 4.0, r_i_hz = 15.0;
  std::vector<double> r_e_hz{2, 4, 6, 8, 10, 12, 14, 16, 18, 20};  // mean inputs -5 to 49 mV
  int64_t neurons_per_point = 50;
  double t_ms = 4000.0, burn_in_ms = 200.0, dt_ms = 0.1;
};

struct FiPoint {
  double input_mv;  // stationary mean input K_e j_e r_e + K_i j_i r_i (Eq. 2.4)
  double rate_hz;
};

std::vector<FiPoint> measure_fi_curve(const PopulationSpec& neuron, const FiProtocol& protocol, uint64_t seed);

// r = g [I - theta]_+ fitted by least squares (theta on a fine grid, g in closed form for each).
RectifiedLinear fit_threshold_linear(const std::vector<FiPoint>& points);

}  // namespace eisim
