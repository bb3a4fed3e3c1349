// The neuron models (docs/architecture.md, "Where each equation lives"): one forward-Euler step of
// the membrane equations, then the lower bound, the threshold and the reset. Written once, used by
// the CPU backend (src/cpu/neuron_update.cpp) and the CUDA kernels (kernels/neuron_update.cuh).
#pragma once

#include <cstdint>

#include "eisim/model/detmath.hpp"
#include "eisim/model/hd.hpp"

namespace eisim {

enum class NeuronModel { eif, lif, leaky_integrator, poisson };

// A population's membrane constants in the precision the update uses.
struct MembraneConstants {
  float dt_over_tau;
  float E_L;
  float V_T;
  float D;
  float V_th;
  float V_re;
  float V_lb;  // -inf: no lower bound
  int32_t ref_steps;  // steps V is held at V_re after a spike (0: no refractory period)
  bool exact;           // a LIF integrated exactly over the step (lif_exact), not by forward Euler
  float propagator;     // exact: e^{-dt/tau_m}
  float external_gain;  // exact: 1 - e^{-dt/tau_m}, what a constant input adds over a step per mV; Euler: 1
};

// tau_m dV/dt = -(V - E_L) + D exp((V - V_T) / D) + I   (book Eq. 1.5)
EISIM_HD float eif_euler(float V, float I, const MembraneConstants& c) {
  return V + c.dt_over_tau * (-(V - c.E_L) + c.D * det_expf((V - c.V_T) / c.D) + I);
}

// tau_m dV/dt = -(V - E_L) + I   (book Eq. 1.2; also the LIF between spikes)
EISIM_HD float leaky_euler(float V, float I, const MembraneConstants& c) {
  return V + c.dt_over_tau * (-(V - c.E_L) + I);
}

// tau_m dV/dt = -(V - E_L) + I_ext + sum_c I_c, each synaptic current decaying as I_c e^{-t/tau_c} over
// the step, integrated exactly (NEST's iaf_psc_exp does the same with its propagators):
// V <- E_L + (V - E_L) e^{-dt/tau_m} + drive, drive = (1 - e^{-dt/tau_m}) I_ext + sum_c P_c I_c(t_n),
// P_c = tau_c / (tau_c - tau_m) (e^{-dt/tau_c} - e^{-dt/tau_m}) (synaptic_gain, backend_setup.hpp). The
// caller sums the drive as it sums the Euler step's total input, with these gains; the currents then decay
// by e^{-dt/tau_c}.
EISIM_HD float lif_exact(float V, float drive, const MembraneConstants& c) {
  return c.E_L + (V - c.E_L) * c.propagator + drive;
}

// After the Euler step: V <- max(V, V_lb); V > V_th is a spike, and then V <- V_re (book Sec. 1.2).
// Returns the new V and says whether the bound held V (input the bound threw away: the run reports how
// often) and whether it spiked. Out-parameters, not a struct: g++ vectorises the CPU's loop over neurons
// with them, and nvcc fits the GPU's update in 64 registers.
EISIM_HD float bound_threshold_reset(float V, const MembraneConstants& c, bool& bounded, bool& spiked) {
  bounded = V < c.V_lb;
  const float held = bounded ? c.V_lb : V;
  spiked = held > c.V_th;
  return spiked ? c.V_re : held;
}

// One step of an integrate-and-fire neuron, EIF (book Eq. 1.5) or LIF, with total input I (mV): the new
// V, whether the lower bound held it, whether it spiked. The leaky integrator (book Eq. 1.2) is
// leaky_euler alone: it has no threshold and no bound.
EISIM_HD float integrate_and_fire_step(NeuronModel model, float V, float I, const MembraneConstants& c, bool& bounded,
                                       bool& spiked) {
  return bound_threshold_reset(model == NeuronModel::eif ? eif_euler(V, I, c) : leaky_euler(V, I, c), c, bounded,
                               spiked);
}

// The same for a population that may be integrated exactly (I is then the drive of lif_exact).
EISIM_HD float any_integrate_and_fire_step(NeuronModel model, float V, float I, const MembraneConstants& c, bool& bounded,
                                           bool& spiked) {
  return c.exact ? bound_threshold_reset(lif_exact(V, I, c), c, bounded, spiked)
                 : integrate_and_fire_step(model, V, I, c, bounded, spiked);
}

// An absolute refractory period, as NEST's iaf_psc_exp has: for ref_steps steps after a spike V stays
// at V_re (the synaptic currents go on), counted down in `refractory`. Applied to the step the neuron
// would take, V -> stepped (any_integrate_and_fire_step): a refractory neuron keeps V and neither spikes
// nor meets the bound. The callers apply it only where ref_steps > 0, so the others' loops stay as they were.
EISIM_HD float refractory_hold(float V, float stepped, const MembraneConstants& c, int32_t& refractory, bool& bounded,
                               bool& spiked) {
  const bool held = refractory > 0;
  bounded = bounded && !held;
  spiked = spiked && !held;
  refractory = held ? refractory - 1 : spiked ? c.ref_steps : 0;
  return held ? V : stepped;
}

}  // namespace eisim
