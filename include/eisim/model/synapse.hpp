// Exponential current synapses (book Eq. 1.10/3.4), written once for both backends (docs/architecture.md,
// "Where each equation lives"): tau dI/dt = -I + J S, so a presynaptic spike adds J / tau to I, which then
// decays. In deterministic mode the jumps of a step are summed in 64-bit fixed point, so their sum does
// not depend on the order in which spikes arrive; fast mode (GPU only) sums them in float.
#pragma once

#include <cmath>
#include <cstdint>

#include "eisim/model/hd.hpp"

namespace eisim {

// Synaptic input sums: value * 2^32 in an int64, exact for any order of addition.
constexpr double kFixedPointOne = 4294967296.0;

EISIM_HD float fixed_to_float(int64_t fixed) { return static_cast<float>(fixed) * static_cast<float>(1.0 / kFixedPointOne); }

// A jump J / tau_syn (mV) in fixed point, rounded to nearest (host: the static projections' constant jump).
inline int64_t fixed_point_jump(double weight, double tau_syn) { return std::llround(weight / tau_syn * kFixedPointOne); }

// The same jump for fast mode's float sums.
inline float float_jump(double weight, double tau_syn) { return static_cast<float>(weight / tau_syn); }

// The jump of a synapse with its own weight J (a plastic or drawn one), fixed_scale = 2^32 / tau_syn:
// in fixed point, rounded to nearest (ties to even, on both sides), and for fast mode's float sums.
EISIM_HD int64_t weight_jump_fixed(float J, double fixed_scale) {
  const double scaled = static_cast<double>(J) * fixed_scale;
#if defined(__CUDA_ARCH__)
  return __double2ll_rn(scaled);
#else
  return static_cast<int64_t>(std::nearbyint(scaled));
#endif
}
EISIM_HD float weight_jump_float(float J, double fixed_scale) {
  return static_cast<float>(static_cast<double>(J) * (fixed_scale * (1.0 / kFixedPointOne)));
}

// 1 - dt / tau: the decay of one Euler step of tau dx/dt = -x (a synaptic current, an eligibility trace).
inline float euler_decay(double dt, double tau) { return static_cast<float>(1.0 - dt / tau); }

// One step of a synaptic current: decay, then add the jumps J/tau of the last step's spikes.
EISIM_HD float synaptic_current_step(float I, float decay, int64_t input_fixed) {
  return I * decay + fixed_to_float(input_fixed);
}
EISIM_HD float synaptic_current_step(float I, float decay, float input) { return I * decay + input; }

}  // namespace eisim
