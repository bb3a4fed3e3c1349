// CPU backend: synaptic currents, membranes and Poisson neurons, one step (docs/architecture.md,
// "Backends"). Mirrors kernels/neuron_update.cuh; the equations are those of include/eisim/model/.
#include "src/cpu/cpu_backend.hpp"

#include <algorithm>
#include <cstring>

#include "eisim/engine/backend_setup.hpp"
#include "eisim/model/poisson.hpp"
#include "eisim/model/random.hpp"
#include "eisim/model/synapse.hpp"

namespace eisim {

void CpuBackend::update_currents(PopulationState& pop, int index, int64_t step) {
  const PopulationSpec& spec = spec_.populations[index];
  const int64_t n = pop.slice.size();
  // Exact integration weighs each input by its gain over the step (lif_exact); Euler's are all 1.
  const float external = external_current_at(spec, spec_.simulation.dt_ms, step) * pop.constants.external_gain;
  float* total = pop.total_input.data();
  std::fill(total, total + n, external);
  const size_t slot = static_cast<size_t>(step % pop.ring) * static_cast<size_t>(n);
  if (pop.poisson_count.max_count > 0) {  // the Poisson input's spikes of this step, into its channel
    const uint64_t seed = spec_.simulation.seed;
    const uint32_t stream = random_stream(RandomPurpose::poisson_input, static_cast<uint32_t>(index));
    int64_t* input = pop.channels.back().input.data() + slot;
    for (int64_t j = 0; j < n; ++j) {
      const uint32_t neuron = static_cast<uint32_t>(pop.slice.begin + j);  // its own draws on any rank
      input[j] += static_cast<int64_t>(poisson_count(pop.poisson_count, seed, stream, neuron, step)) * pop.poisson_jump;
    }
  }
  for (Channel& ch : pop.channels) {
    float* current = ch.current.data();
    int64_t* input = ch.input.data() + slot;
    const float decay = ch.decay;
    if (pop.constants.exact) {
      const float gain = ch.gain;
      for (int64_t j = 0; j < n; ++j) {
        current[j] = synaptic_current_step(current[j], decay, input[j]);
        input[j] = 0;
        total[j] += current[j] * gain;
      }
      continue;
    }
    for (int64_t j = 0; j < n; ++j) {
      current[j] = synaptic_current_step(current[j], decay, input[j]);
      input[j] = 0;
      total[j] += current[j];
    }
  }
}

void CpuBackend::update_membranes(PopulationState& pop, const PopulationSpec& spec) {
  const int64_t n = pop.slice.size();
  const MembraneConstants c = pop.constants;
  float* V = pop.V.data();
  const float* I = pop.total_input.data();
  uint8_t* crossed = pop.crossed.data();
  pop.spiking.clear();
  // One plain loop per model, so that the compiler vectorises it (the model's step is inlined).
  const auto integrate_and_fire = [&](NeuronModel model) {
    int64_t at_bound = 0;
    if (c.ref_steps > 0 || c.exact) {  // NEST's iaf_psc_exp and its kind: the general step
      int32_t* refractory = pop.refractory.data();
      for (int64_t j = 0; j < n; ++j) {
        bool bounded, spiked;
        const float stepped = any_integrate_and_fire_step(model, V[j], I[j], c, bounded, spiked);
        V[j] = c.ref_steps > 0 ? refractory_hold(V[j], stepped, c, refractory[j], bounded, spiked) : stepped;
        crossed[j] = spiked;
        at_bound += bounded;
      }
    } else {
      for (int64_t j = 0; j < n; ++j) {
        bool bounded, spiked;
        V[j] = integrate_and_fire_step(model, V[j], I[j], c, bounded, spiked);
        crossed[j] = spiked;
        at_bound += bounded;
      }
    }
    pop.steps_at_lower_bound += static_cast<uint64_t>(at_bound);
  };
  switch (spec.model) {
    case NeuronModel::eif:
      integrate_and_fire(NeuronModel::eif);  // a constant: the model's branch folds away
      break;
    case NeuronModel::lif:
      integrate_and_fire(NeuronModel::lif);
      break;
    case NeuronModel::leaky_integrator:
      for (int64_t j = 0; j < n; ++j) V[j] = leaky_euler(V[j], I[j], c);
      return;
    case NeuronModel::poisson:
      return;
  }
  // Spikes are rare: skip eight neurons at a time (crossed has padding up to a multiple of 8).
  for (int64_t j = 0; j < n; j += 8) {
    uint64_t word;
    std::memcpy(&word, crossed + j, sizeof word);
    if (word == 0) continue;
    for (int64_t k = j; k < j + 8 && k < n; ++k) {
      if (crossed[k]) pop.spiking.push_back(static_cast<uint32_t>(k));
    }
  }
}

void CpuBackend::emit_poisson(PopulationState& pop, int index, int64_t step) {
  const PopulationSpec& spec = spec_.populations[index];
  const double dt = spec_.simulation.dt_ms;
  const double step_end = static_cast<double>(step + 1) * dt;
  const double max_per_ms = spec.rate.max_hz() / 1000.0;
  // r(t_n)/r_max is computed once per step on the host, for every neuron and for both backends.
  const double accept = poisson_acceptance_at(spec, dt, step);
  const uint64_t seed = spec_.simulation.seed;
  const uint32_t stream = random_stream(RandomPurpose::poisson, static_cast<uint32_t>(index));
  pop.spiking.clear();
  const int64_t n = pop.slice.size();
  for (int64_t j = 0; j < n; ++j) {
    PoissonNeuron neuron{pop.next_candidate_ms[j], pop.candidates[j]};
    const uint32_t key = static_cast<uint32_t>(pop.slice.begin + j);  // the neuron's draws are its own on any rank
    poisson_advance(neuron, seed, stream, key, step_end, accept, max_per_ms,
                    [&] { pop.spiking.push_back(static_cast<uint32_t>(j)); });
    pop.next_candidate_ms[j] = neuron.next_candidate_ms;
    pop.candidates[j] = neuron.candidates;
  }
}

}  // namespace eisim
