#include "cpu_backend.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>

#include "eisim/backend_setup.hpp"
#include "eisim/random.hpp"

namespace eisim {
CpuBackend::CpuBackend(const NetworkSpec& spec, const Network& net)
    : spec_(spec), net_(net), pops_(spec.populations.size()) {
  const double dt = spec.simulation.dt_ms;
  for (size_t a = 0; a < pops_.size(); ++a) {
    const PopulationSpec& ps = spec.populations[a];
    PopulationState& pop = pops_[a];
    const size_t n = static_cast<size_t>(ps.size);
    if (ps.model == NeuronModel::poisson) {
      pop.next_candidate_ms = initial_poisson_candidates(spec, static_cast<int>(a));
      pop.candidates.assign(n, 0);
      continue;
    }
    pop.constants = membrane_constants(ps.membrane, dt);
    pop.V = initial_potentials(spec, static_cast<int>(a));
    pop.total_input.resize(n);
    pop.crossed.assign((n + 7) / 8 * 8, 0);
    for (int k : incoming_projections(spec, static_cast<int>(a))) {
      pop.channels.push_back(
          Channel{synaptic_decay(spec.projections[k], dt), std::vector<float>(n, 0.0f), std::vector<int64_t>(n, 0)});
    }
  }
  std::vector<int> channels_so_far(pops_.size(), 0);
  for (size_t k = 0; k < spec.projections.size(); ++k) {
    const ProjectionSpec& proj = spec.projections[k];
    pops_[proj.pre].outgoing.push_back(
        Outgoing{static_cast<int>(k), proj.post, channels_so_far[proj.post]++, jump_fixed(proj)});
  }
}

std::string CpuBackend::device() const {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2) + " (one core)";
  }
  return "CPU (one core)";
}

void CpuBackend::update_currents(PopulationState& pop, const PopulationSpec& spec, int64_t step) {
  const int64_t n = spec.size;
  const float external = external_current(spec, spec_.simulation.dt_ms, step, 1)[0];
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
  // One plain loop per model, so that the compiler vectorises it (the euler step is inlined).
  const auto integrate_and_fire = [&](auto euler) {
    for (int64_t j = 0; j < n; ++j) {
      const float v = bound_below(euler(V[j], I[j], c), c);
      crossed[j] = crosses_threshold(v, c);
      V[j] = crossed[j] ? c.V_re : v;
    }
  };
  switch (spec.model) {
    case NeuronModel::eif:
      integrate_and_fire([](float v, float i, const MembraneConstants& k) { return eif_euler(v, i, k); });
      break;
    case NeuronModel::lif:
      integrate_and_fire([](float v, float i, const MembraneConstants& k) { return leaky_euler(v, i, k); });
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
  const double accept = poisson_acceptance(spec, dt, step, 1)[0];
  const uint64_t seed = spec_.simulation.seed;
  const uint32_t stream = random_stream(RandomPurpose::poisson, static_cast<uint32_t>(index));
  pop.spiking.clear();
  for (uint32_t j = 0; j < spec.size; ++j) {
    while (pop.next_candidate_ms[j] < step_end) {
      const uint64_t k = pop.candidates[j];
      if (poisson_candidate_accepted(seed, stream, j, k, accept)) pop.spiking.push_back(j);
      pop.candidates[j] = k + 1;
      pop.next_candidate_ms[j] += poisson_candidate_interval_ms(seed, stream, j, k + 1, max_per_ms);
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
  for (int64_t step = first_step; step < first_step + count; ++step) {
    for (size_t a = 0; a < pops_.size(); ++a) {
      if (spec_.populations[a].model != NeuronModel::poisson) update_currents(pops_[a], spec_.populations[a], step);
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
