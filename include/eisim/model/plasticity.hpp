// Inhibitory homeostatic plasticity (book Eq. 4.1/4.2), written once for both backends
// (docs/architecture.md, "Where each equation lives"): eligibility traces tau_y dy/dt = -y + S of
// every pre- and postsynaptic neuron; a presynaptic spike changes each of its synapses by
// -eta (y_post - 2 r0), a postsynaptic spike each of its synapses by -eta y_pre.
#pragma once

#include <cmath>
#include <cstdint>

#include "eisim/model/detmath.hpp"
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

// A weight as a term of the recorded mean's exact sum, on every backend and rank: in fixed point with
// 2^-40 resolution (truncated toward zero), in 128 bits, so that the sum depends neither on the order
// of summation nor on how ranks divide the synapses. Weights stay within 2^31 (weight_in_range: the
// plastic ones stop the run first), so a term is below 2^71 and 2^40 of them fit.
EISIM_HD __int128 weight_sum_term(float J) {
  const int32_t bits = detmath_detail::float_bits(J);
  const int32_t exponent_field = (bits >> 23) & 0xff;
  int64_t mantissa = bits & 0x7fffff;  // J = +-mantissa 2^exponent
  int exponent = -149;                 // subnormal
  if (exponent_field != 0) {
    mantissa |= 0x800000;
    exponent = exponent_field - 150;
  }
  const int shift = exponent + 40;
  __int128 magnitude = mantissa;
  if (shift >= 0) {
    magnitude <<= shift;
  } else {
    magnitude = shift > -64 ? magnitude >> -shift : 0;
  }
  return bits < 0 ? -magnitude : magnitude;
}

// The mean of `synapses` weights from the sum of their terms.
EISIM_HD double weight_mean(__int128 sum, uint64_t synapses) {
  return synapses == 0 ? 0.0 : static_cast<double>(sum) * 0x1p-40 / static_cast<double>(synapses);
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

}  // namespace eisim
