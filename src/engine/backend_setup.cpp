// Initial state and constants every backend derives from the spec the same way;
// docs/architecture.md, "Network build and backend set-up".
#include "eisim/engine/backend_setup.hpp"

#include <algorithm>
#include <cmath>

#include "eisim/engine/backend.hpp"
#include "eisim/model/poisson.hpp"
#include "src/engine/config_limits.hpp"
#include "eisim/model/random.hpp"

namespace eisim {

MembraneConstants membrane_constants(const MembraneParams& m, double dt) {
  // Exact integration's gain of a constant input is 1 - the propagator as floats (exact in float), so
  // that its fixed point is E_L + I_ext exactly.
  const float propagator = static_cast<float>(std::exp(-dt / m.tau_m));
  return MembraneConstants{static_cast<float>(dt / m.tau_m),
                           static_cast<float>(m.E_L),
                           static_cast<float>(m.V_T),
                           static_cast<float>(m.D),
                           static_cast<float>(m.V_th),
                           static_cast<float>(m.V_re),
                           static_cast<float>(m.V_lb),
                           static_cast<int32_t>(delay_in_steps(m.t_ref, dt)),
                           m.exact,
                           propagator,
                           m.exact ? 1.0f - propagator : 1.0f};
}

float synaptic_decay(const NetworkSpec& spec, int post, double tau_syn) {
  const double dt = spec.simulation.dt_ms;
  return spec.populations[post].membrane.exact ? static_cast<float>(std::exp(-dt / tau_syn)) : euler_decay(dt, tau_syn);
}

float synaptic_gain(const NetworkSpec& spec, int post, double tau_syn) {
  const MembraneParams& m = spec.populations[post].membrane;
  if (!m.exact) return 1.0f;
  // tau_c / (tau_c - tau_m) (e^{-h/tau_c} - e^{-h/tau_m}) = e^{-h/tau_m} (e^{h (1/tau_m - 1/tau_c)} - 1)
  // tau_c / (tau_c - tau_m), written with expm1 so that it stays accurate as tau_c approaches tau_m.
  const double h = spec.simulation.dt_ms, tc = tau_syn, tm = m.tau_m;
  const double x = h * (tc - tm) / (tc * tm);
  const double ratio = x == 0 ? h / tm : std::expm1(x) * tc / (tc - tm);
  return static_cast<float>(std::exp(-h / tm) * ratio);
}

PoissonCount poisson_input_count(const PoissonInputSpec& input, double dt) {
  const double lambda = input.rate_hz / 1000.0 * dt;
  return PoissonCount{lambda, std::exp(-lambda),
                      static_cast<uint32_t>(std::ceil(lambda + 10.0 * std::sqrt(lambda) + 10.0))};
}

double weight_fixed_scale(const ProjectionSpec& proj) { return kFixedPointOne / proj.tau_syn; }

double drawn_bytes_per_synapse(const ProjectionSpec& proj) {
  return (proj.draws_weights() ? 4.0 : 0.0) + (proj.draws_delays() ? 2.0 : 0.0);
}

double row_bytes_per_synapse(const NetworkSpec& spec, size_t k, double synapses) {
  if (!(synapses > 0)) return 0.0;
  const ProjectionSpec& proj = spec.projections[k];
  const double n_pre = static_cast<double>(spec.populations[proj.pre].size);
  return 8.0 * (n_pre + 1.0) / synapses + 4.0 + drawn_bytes_per_synapse(proj);
}

int ring_slots(const NetworkSpec& spec, int population) {
  uint32_t slots = 1;
  for (int k : incoming_projections(spec, population)) {
    slots = std::max(slots, longest_delay_steps(spec.projections[k], spec.simulation.dt_ms));
  }
  return static_cast<int>(slots);
}

std::vector<float> initial_potentials(const NetworkSpec& spec, int population, Slice neurons) {
  const PopulationSpec& pop = spec.populations[population];
  const uint32_t stream = random_stream(RandomPurpose::initial_state, static_cast<uint32_t>(population));
  std::vector<float> V(static_cast<size_t>(neurons.size()));
  for (size_t k = 0; k < V.size(); ++k) {
    const uint32_t neuron = static_cast<uint32_t>(neurons.begin + k);
    if (pop.v0_sd > 0) {
      V[k] = static_cast<float>(draw_truncated_normal(cut_normal(pop.v0_low, pop.v0_sd), spec.simulation.seed, stream, neuron, 0));
      continue;
    }
    const RandomWords r = random_words(spec.simulation.seed, stream, neuron, 0);
    V[k] = static_cast<float>(pop.v0_low + (pop.v0_high - pop.v0_low) * uniform_open(r.w[0], r.w[1]));
  }
  return V;
}

std::vector<double> initial_poisson_candidates(const NetworkSpec& spec, int population, Slice neurons) {
  const PopulationSpec& pop = spec.populations[population];
  const uint32_t stream = random_stream(RandomPurpose::poisson, static_cast<uint32_t>(population));
  std::vector<double> next(static_cast<size_t>(neurons.size()));
  for (size_t k = 0; k < next.size(); ++k) {
    next[k] = poisson_candidate_interval_ms(spec.simulation.seed, stream, static_cast<uint32_t>(neurons.begin + k), 0,
                                            pop.rate.max_hz() / 1000.0);
  }
  return next;
}

double poisson_acceptance_at(const PopulationSpec& pop, double dt, int64_t step) {
  const double max_hz = pop.rate.max_hz();
  return max_hz > 0.0 ? pop.rate.at_hz(static_cast<double>(step) * dt) / max_hz : 0.0;
}

float external_current_at(const PopulationSpec& pop, double dt, int64_t step) {
  return static_cast<float>(pop.external_current.at(static_cast<double>(step) * dt));
}

std::vector<double> poisson_acceptance(const PopulationSpec& pop, double dt, int64_t first, int64_t count) {
  std::vector<double> accept(static_cast<size_t>(count));
  for (int64_t k = 0; k < count; ++k) accept[k] = poisson_acceptance_at(pop, dt, first + k);
  return accept;
}

std::vector<float> external_current(const PopulationSpec& pop, double dt, int64_t first, int64_t count) {
  std::vector<float> current(static_cast<size_t>(count));
  for (int64_t k = 0; k < count; ++k) current[k] = external_current_at(pop, dt, first + k);
  return current;
}

int64_t jump_fixed(const ProjectionSpec& proj) { return fixed_point_jump(proj.weight, proj.tau_syn); }


PlasticityConstants plasticity_constants(const NetworkSpec& spec, int projection) {
  const ProjectionSpec& proj = spec.projections[projection];
  const PlasticitySpec& p = *proj.plasticity;
  const double dt = spec.simulation.dt_ms;
  // The bound of config_limits.cpp for static weights: |J| / tau_syn times the most spikes a step.
  const double max_abs_weight = 0x1p30 * proj.tau_syn / max_spikes_per_step(spec.populations[proj.pre]);
  return PlasticityConstants{static_cast<float>(p.eta),
                             static_cast<float>(2.0 * p.r0_hz / 1000.0),
                             euler_decay(dt, p.tau_y),
                             static_cast<float>(1.0 / p.tau_y),
                             p.clip_at_zero,
                             weight_fixed_scale(proj),
                             static_cast<float>(max_abs_weight)};
}

std::string weight_out_of_range_message(const ProjectionSpec& proj, const PlasticityConstants& c) {
  return "projections." + proj.name + ": plasticity drove a weight beyond +-" + std::to_string(c.max_abs_weight) +
         " mV ms, past which one step's synaptic input could overflow the 64-bit fixed-point sum; the run stops "
         "here (what was simulated before this block is written): lower eta, or keep the weights at or below 0 "
         "with clip_at_zero";
}

PostsynapticIndex postsynaptic_index(const Connectivity& c, int64_t n_post) {
  PostsynapticIndex index;
  index.start.assign(static_cast<size_t>(n_post) + 1, 0);
  for (uint32_t target : c.targets) ++index.start[target + 1];
  for (int64_t j = 0; j < n_post; ++j) index.start[j + 1] += index.start[j];
  index.synapse.resize(c.synapse_count());
  index.pre.resize(c.synapse_count());
  std::vector<uint64_t> fill(index.start.begin(), index.start.end() - 1);
  const uint64_t n_pre = c.row_start.size() - 1;
  for (uint64_t k = 0; k < n_pre; ++k) {
    for (uint64_t s = c.row_start[k]; s < c.row_start[k + 1]; ++s) {
      const uint64_t slot = fill[c.targets[s]]++;
      index.synapse[slot] = s;
      index.pre[slot] = static_cast<uint32_t>(k);
    }
  }
  return index;
}

std::vector<int32_t> presynaptic_neurons(const std::vector<uint64_t>& row_start, const std::vector<uint64_t>& synapses) {
  std::vector<int32_t> pre;
  for (uint64_t s : synapses) {
    pre.push_back(static_cast<int32_t>(std::upper_bound(row_start.begin(), row_start.end(), s) - row_start.begin() - 1));
  }
  return pre;
}

std::vector<uint64_t> weight_sample(uint64_t synapses, int64_t count) {
  std::vector<uint64_t> sample;
  const uint64_t n = std::min<uint64_t>(synapses, static_cast<uint64_t>(count));
  // In 128 bits: k * synapses passes 2^64 for large samples of large projections.
  for (uint64_t k = 0; k < n; ++k) {
    sample.push_back(static_cast<uint64_t>(static_cast<unsigned __int128>(k) * synapses / n));
  }
  return sample;
}

}  // namespace eisim
