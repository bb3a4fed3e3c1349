// Inhibitory homeostatic plasticity (book Eq. 4.1/4.2), written once for both backends
// (docs/architecture.md, "Where each equation lives"): eligibility traces tau_y dy/dt = -y + S of
// every pre- and postsynaptic neuron; a presynaptic spike changes each of its synapses by
// -eta (y_post - 2 r0), a postsynaptic spike each of its synapses by -eta y_pre.
#pragma once

#include <cmath>
#include <cstdint>

#include "eisim/model/hd.hpp"
#include "eisim/model/synapse.hpp"

namespace eisim {

// One plastic projection's constants, in float.
struct PlasticityConstants {
  float eta;
  float two_r0;       // 2 r0, spikes/ms
  float trace_decay;  // 1 - dt / tau_y: one Euler step of tau_y dy/dt = -y
  float trace_jump;   // 1 / tau_y: what a spike adds to its neuron's trace
  bool clip_at_zero;
  double fixed_scale;    // 2^32 / tau_syn: a weight's jump J / tau_syn in fixed point
  float max_abs_weight;  // beyond it, one step's jumps onto a neuron could overflow the 64-bit sum
};

// Whether a weight the rule made still fits the fixed-point sums (false for NaN too): the backends flag
// the projection otherwise, and the run stops with a message naming it.
EISIM_HD bool weight_in_range(float J, const PlasticityConstants& c) {
  return J <= c.max_abs_weight && J >= -c.max_abs_weight;
}

// tau_y dy/dt = -y + S, one Euler step: y <- y (1 - dt/tau_y), plus 1/tau_y for a spike in the step.
EISIM_HD float trace_decayed(float y, float decay) { return y * decay; }
EISIM_HD float trace_after_spike(float y_decayed, float jump) { return y_decayed + jump; }

EISIM_HD float clip_weight(float J, const PlasticityConstants& c) { return c.clip_at_zero && J > 0.0f ? 0.0f : J; }

// A presynaptic spike: J -= eta (y_post - 2 r0).
EISIM_HD float after_presynaptic_spike(float J, float y_post, const PlasticityConstants& c) {
  return clip_weight(J - c.eta * (y_post - c.two_r0), c);
}

// A postsynaptic spike: J -= eta y_pre.
EISIM_HD float after_postsynaptic_spike(float J, float y_pre, const PlasticityConstants& c) {
  return clip_weight(J - c.eta * y_pre, c);
}

// The fixed-point jump of a synapse with weight J (rounded to nearest, ties to even, on both sides).
EISIM_HD int64_t plastic_jump_fixed(float J, const PlasticityConstants& c) {
  const double scaled = static_cast<double>(J) * c.fixed_scale;
#if defined(__CUDA_ARCH__)
  return __double2ll_rn(scaled);
#else
  return static_cast<int64_t>(std::nearbyint(scaled));
#endif
}

// The same jump for fast mode's float sums.
EISIM_HD float plastic_jump_float(float J, const PlasticityConstants& c) {
  return static_cast<float>(static_cast<double>(J) * (c.fixed_scale * (1.0 / kFixedPointOne)));
}

}  // namespace eisim
