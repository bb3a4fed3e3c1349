// One step of the model equations (DESIGN.md §1), written once for both backends.
// Float state, forward Euler; synaptic input arrives in 64-bit fixed point so its sum does not
// depend on the order in which spikes are added.
#pragma once

#include <cmath>
#include <cstdint>

#include "eisim/detmath.hpp"
#include "eisim/hd.hpp"
#include "eisim/random.hpp"

namespace eisim {

// A population's membrane constants in the precision the update uses.
struct MembraneConstants {
  float dt_over_tau;
  float E_L;
  float V_T;
  float D;
  float V_th;
  float V_re;
  float V_lb;  // -inf: no lower bound
};

// tau_m dV/dt = -(V - E_L) + D exp((V - V_T) / D) + I   (book Eq. 1.5)
EISIM_HD float eif_euler(float V, float I, const MembraneConstants& c) {
  return V + c.dt_over_tau * (-(V - c.E_L) + c.D * det_expf((V - c.V_T) / c.D) + I);
}

// tau_m dV/dt = -(V - E_L) + I   (book Eq. 1.2; also the LIF between spikes)
EISIM_HD float leaky_euler(float V, float I, const MembraneConstants& c) {
  return V + c.dt_over_tau * (-(V - c.E_L) + I);
}

EISIM_HD float bound_below(float V, const MembraneConstants& c) { return V < c.V_lb ? c.V_lb : V; }

EISIM_HD bool crosses_threshold(float V, const MembraneConstants& c) { return V > c.V_th; }

// Synaptic input sums: value * 2^32 in an int64, exact for any order of addition.
constexpr double kFixedPointOne = 4294967296.0;

EISIM_HD float fixed_to_float(int64_t fixed) {
  return static_cast<float>(fixed) * (1.0f / 4294967296.0f);
}

// tau dI/dt = -I + J S: decay by one step, then add the jumps J/tau of the last step's spikes.
EISIM_HD float synaptic_current_step(float I, float decay, int64_t input_fixed) {
  return I * decay + fixed_to_float(input_fixed);
}

// Poisson neurons draw candidate spikes with exponential intervals at the peak rate (spikes/ms)
// and keep each with probability r(t)/r_max (thinning). Candidate k's interval uses words 0-1 of
// draw k, its acceptance words 2-3.
EISIM_HD double poisson_candidate_interval_ms(uint64_t seed, uint32_t stream, uint32_t neuron, uint64_t candidate,
                                              double max_per_ms) {
  if (!(max_per_ms > 0.0)) return detmath_detail::bits_double(0x7ff0000000000000LL);  // +inf: never
  const RandomWords r = random_words(seed, stream, neuron, candidate);
  return -det_log(uniform_open(r.w[0], r.w[1])) / max_per_ms;
}

EISIM_HD bool poisson_candidate_accepted(uint64_t seed, uint32_t stream, uint32_t neuron, uint64_t candidate,
                                         double acceptance) {
  const RandomWords r = random_words(seed, stream, neuron, candidate);
  return uniform_open(r.w[2], r.w[3]) < acceptance;
}

// Inhibitory homeostatic plasticity (book Eq. 4.1/4.2) of one projection, in float.
struct PlasticityConstants {
  float eta;
  float two_r0;       // 2 r0, spikes/ms
  float trace_decay;  // 1 - dt / tau_y: one Euler step of tau_y dy/dt = -y
  float trace_jump;   // 1 / tau_y: what a spike adds to its neuron's trace
  bool clip_at_zero;
  double fixed_scale;  // 2^32 / tau_syn: a weight's jump J / tau_syn in fixed point
};

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

}  // namespace eisim
