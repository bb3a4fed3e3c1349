// The neuron models (docs/architecture.md, "Where each equation lives"): one forward-Euler step of
// the membrane equations, then the lower bound, the threshold and the reset. Written once, used by
// the CPU backend (src/cpu/neuron_update.cpp) and the CUDA kernels (kernels/neuron_update.cuh).
#pragma once

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
};

// tau_m dV/dt = -(V - E_L) + D exp((V - V_T) / D) + I   (book Eq. 1.5)
EISIM_HD float eif_euler(float V, float I, const MembraneConstants& c) {
  return V + c.dt_over_tau * (-(V - c.E_L) + c.D * det_expf((V - c.V_T) / c.D) + I);
}

// tau_m dV/dt = -(V - E_L) + I   (book Eq. 1.2; also the LIF between spikes)
EISIM_HD float leaky_euler(float V, float I, const MembraneConstants& c) {
  return V + c.dt_over_tau * (-(V - c.E_L) + I);
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

}  // namespace eisim
