#include "cpu_backend.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "eisim/random.hpp"

namespace eisim {
namespace {

MembraneConstants membrane_constants(const MembraneParams& m, double dt) {
  return MembraneConstants{static_cast<float>(dt / m.tau_m),
                           static_cast<float>(m.E_L),
                           static_cast<float>(m.V_T),
                           static_cast<float>(m.D),
                           static_cast<float>(m.V_th),
                           static_cast<float>(m.V_re),
                           static_cast<float>(m.V_lb)};
}

}  // namespace

CpuBackend::CpuBackend(const NetworkSpec& spec, const Network& net)
    : spec_(spec), net_(net), pops_(spec.populations.size()) {
  const double dt = spec.simulation.dt_ms;
  const uint64_t seed = spec.simulation.seed;
  for (size_t a = 0; a < pops_.size(); ++a) {
    const PopulationSpec& ps = spec.populations[a];
    PopulationState& pop = pops_[a];
    const size_t n = static_cast<size_t>(ps.size);
    if (ps.model == NeuronModel::poisson) {
      pop.next_candidate_ms.resize(n);
      pop.candidates.assign(n, 0);
      for (uint32_t j = 0; j < n; ++j) pop.next_candidate_ms[j] = candidate_interval_ms(static_cast<int>(a), j, 0);
      continue;
    }
    pop.constants = membrane_constants(ps.membrane, dt);
    pop.V.resize(n);
    pop.total_input.resize(n);
    pop.crossed.assign((n + 7) / 8 * 8, 0);
    const uint32_t stream = random_stream(RandomPurpose::initial_state, static_cast<uint32_t>(a));
    for (uint32_t j = 0; j < n; ++j) {
      const RandomWords r = random_words(seed, stream, j, 0);
      pop.V[j] = static_cast<float>(ps.v0_low + (ps.v0_high - ps.v0_low) * uniform_open(r.w[0], r.w[1]));
    }
    for (int k : incoming_projections(spec, static_cast<int>(a))) {
      const double tau = spec.projections[k].tau_syn;
      pop.channels.push_back(Channel{static_cast<float>(1.0 - dt / tau), std::vector<float>(n, 0.0f),
                                     std::vector<int64_t>(n, 0)});
    }
  }
  std::vector<int> channels_so_far(pops_.size(), 0);
  for (size_t k = 0; k < spec.projections.size(); ++k) {
    const ProjectionSpec& proj = spec.projections[k];
    const int64_t jump = std::llround(proj.weight / proj.tau_syn * kFixedPointOne);
    pops_[proj.pre].outgoing.push_back(Outgoing{static_cast<int>(k), proj.post, channels_so_far[proj.post]++, jump});
  }
}

// Exponential intervals at the population's peak rate; candidates are thinned to r(t) (DESIGN.md §1).
double CpuBackend::candidate_interval_ms(int population, uint32_t neuron, uint64_t candidate) const {
  const double max_per_ms = spec_.populations[population].rate.max_hz() / 1000.0;
  if (max_per_ms <= 0.0) return std::numeric_limits<double>::infinity();
  const uint32_t stream = random_stream(RandomPurpose::poisson, static_cast<uint32_t>(population));
  const RandomWords r = random_words(spec_.simulation.seed, stream, neuron, candidate);
  return -det_log(uniform_open(r.w[0], r.w[1])) / max_per_ms;
}

void CpuBackend::update_currents(PopulationState& pop, const PopulationSpec& spec, double t_ms) {
  const int64_t n = spec.size;
  const float external = static_cast<float>(spec.external_current.at(t_ms));
  float* total = pop.total_input.data();
  std::fill(total, total + n, external);
  for (Channel& ch : pop.channels) {
    float* current = ch.current.data();
    int64_t* input = ch.input.data();
    const float decay = ch.decay;
    for (int64_t j = 0; j < n; ++j) {
      current[j] = synaptic_current_step(current[j], decay, input[j]);
      input[j] = 0;
      total[j] += current[j];
    }
  }
}

void CpuBackend::record_traces(int64_t step, BlockOutput& out) const {
  for (size_t k = 0; k < spec_.recording.traces.size(); ++k) {
    const TraceSpec& trace = spec_.recording.traces[k];
    if (step % trace.every_steps != 0) continue;
    const PopulationState& pop = pops_[trace.population];
    TraceRecord& record = out.traces[k];
    record.step.push_back(step);
    for (int64_t j : trace.neurons) {
      record.values.push_back(pop.V[j]);
      for (const Channel& ch : pop.channels) record.values.push_back(ch.current[j]);
    }
  }
}

void CpuBackend::update_membranes(PopulationState& pop, const PopulationSpec& spec) {
  const int64_t n = spec.size;
  const MembraneConstants c = pop.constants;
  float* V = pop.V.data();
  const float* I = pop.total_input.data();
  uint8_t* crossed = pop.crossed.data();
  pop.spiking.clear();
  switch (spec.model) {
    case NeuronModel::eif:
      for (int64_t j = 0; j < n; ++j) {
        const float v = bound_below(eif_euler(V[j], I[j], c), c);
        crossed[j] = crosses_threshold(v, c);
        V[j] = crossed[j] ? c.V_re : v;
      }
      break;
    case NeuronModel::lif:
      for (int64_t j = 0; j < n; ++j) {
        const float v = bound_below(leaky_euler(V[j], I[j], c), c);
        crossed[j] = crosses_threshold(v, c);
        V[j] = crossed[j] ? c.V_re : v;
      }
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
  // Thinning with the rate at the start of the step: computed once, on the host, for all neurons.
  const double accept = spec.rate.max_hz() > 0 ? spec.rate.at_hz(static_cast<double>(step) * dt) / spec.rate.max_hz()
                                               : 0.0;
  const uint32_t stream = random_stream(RandomPurpose::poisson, static_cast<uint32_t>(index));
  pop.spiking.clear();
  for (uint32_t j = 0; j < spec.size; ++j) {
    while (pop.next_candidate_ms[j] < step_end) {
      const uint64_t k = pop.candidates[j];
      const RandomWords r = random_words(spec_.simulation.seed, stream, j, k);
      if (uniform_open(r.w[2], r.w[3]) < accept) pop.spiking.push_back(j);
      pop.candidates[j] = k + 1;
      pop.next_candidate_ms[j] += candidate_interval_ms(index, j, k + 1);
    }
  }
}

void CpuBackend::deliver(const PopulationState& pre) {
  for (const Outgoing& o : pre.outgoing) {
    const Connectivity& c = net_.projections[o.projection];
    int64_t* input = pops_[o.post].channels[o.channel].input.data();
    const int64_t jump = o.jump_fixed;
    for (uint32_t k : pre.spiking) {
      const uint32_t* end = c.targets.data() + c.row_start[k + 1];
      for (const uint32_t* target = c.targets.data() + c.row_start[k]; target != end; ++target) input[*target] += jump;
    }
  }
}

void CpuBackend::advance(int64_t first_step, int64_t count, BlockOutput& out) {
  const double dt = spec_.simulation.dt_ms;
  for (int64_t step = first_step; step < first_step + count; ++step) {
    const double t_ms = static_cast<double>(step) * dt;
    for (size_t a = 0; a < pops_.size(); ++a) {
      if (spec_.populations[a].model != NeuronModel::poisson) update_currents(pops_[a], spec_.populations[a], t_ms);
    }
    record_traces(step, out);
    for (size_t a = 0; a < pops_.size(); ++a) {
      if (spec_.populations[a].model == NeuronModel::poisson) {
        emit_poisson(pops_[a], static_cast<int>(a), step);
      } else {
        update_membranes(pops_[a], spec_.populations[a]);
      }
    }
    for (size_t a = 0; a < pops_.size(); ++a) {
      const PopulationState& pop = pops_[a];
      deliver(pop);
      SpikeRecord& record = out.spikes[a];
      record.step.insert(record.step.end(), pop.spiking.size(), step);
      record.neuron.insert(record.neuron.end(), pop.spiking.begin(), pop.spiking.end());
    }
  }
}

}  // namespace eisim
