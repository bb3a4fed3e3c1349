#include "cpu_backend.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "eisim/backend_setup.hpp"
#include "eisim/errors.hpp"
#include "eisim/random.hpp"

namespace eisim {
namespace {

CpuBackend::Plastic make_plastic(const NetworkSpec& spec, const Connectivity& c, int projection) {
  const ProjectionSpec& proj = spec.projections[projection];
  const size_t n_pre = static_cast<size_t>(spec.populations[proj.pre].size);
  const size_t n_post = static_cast<size_t>(spec.populations[proj.post].size);
  CpuBackend::Plastic p;
  p.projection = projection;
  p.constants = plasticity_constants(proj, spec.simulation.dt_ms);
  p.weight.assign(c.synapse_count(), static_cast<float>(proj.weight));
  p.y_pre.assign(n_pre, 0.0f);
  p.y_post.assign(n_post, 0.0f);
  p.incoming = postsynaptic_index(c, static_cast<int64_t>(n_post));
  return p;
}

}  // namespace

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
  plastic_of_projection_.assign(spec.projections.size(), -1);
  for (size_t k = 0; k < spec.projections.size(); ++k) {
    if (!spec.projections[k].plasticity) continue;
    plastic_of_projection_[k] = static_cast<int>(plastic_.size());
    plastic_.push_back(make_plastic(spec, net.projections[k], static_cast<int>(k)));
  }
  const std::vector<int> channel = projection_channels(spec);
  for (size_t k = 0; k < spec.projections.size(); ++k) {
    const ProjectionSpec& proj = spec.projections[k];
    const Plastic* plastic = plastic_of_projection_[k] >= 0 ? &plastic_[plastic_of_projection_[k]] : nullptr;
    pops_[proj.pre].outgoing.push_back(Outgoing{static_cast<int>(k), proj.post, channel[k], jump_fixed(proj), plastic});
  }
}

std::string CpuBackend::device() const { return device_description("cpu") + " (one core)"; }

void CpuBackend::update_currents(PopulationState& pop, const PopulationSpec& spec, int64_t step) {
  const int64_t n = spec.size;
  const float external = external_current_at(spec, spec_.simulation.dt_ms, step);
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
  const double accept = poisson_acceptance_at(spec, dt, step);
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
    const uint32_t* targets = c.targets.data();
    for (uint32_t k : pre.spiking) {
      const uint64_t begin = c.row_start[k], end = c.row_start[k + 1];
      if (o.plastic) {
        const float* weight = o.plastic->weight.data();
        for (uint64_t s = begin; s < end; ++s) input[targets[s]] += plastic_jump_fixed(weight[s], o.plastic->constants);
      } else {
        for (uint64_t s = begin; s < end; ++s) input[targets[s]] += o.jump_fixed;
      }
    }
  }
}

// Traces decay over the step; then presynaptic spikes update their rows with the postsynaptic
// traces and enter their own trace; then postsynaptic spikes update their columns with the
// (now current) presynaptic traces and enter theirs. So a pair of spikes in the same step
// changes the weight by 2 eta r0 - eta / tau_y, the Delta t = 0 limit of the book's window.
void CpuBackend::apply_plasticity(Plastic& p) {
  const ProjectionSpec& proj = spec_.projections[p.projection];
  const Connectivity& c = net_.projections[p.projection];
  const PlasticityConstants& k = p.constants;
  for (float& y : p.y_pre) y *= k.trace_decay;
  for (float& y : p.y_post) y *= k.trace_decay;
  for (uint32_t i : pops_[proj.pre].spiking) {
    for (uint64_t s = c.row_start[i]; s < c.row_start[i + 1]; ++s) {
      p.weight[s] = after_presynaptic_spike(p.weight[s], p.y_post[c.targets[s]], k);
    }
    p.y_pre[i] += k.trace_jump;
  }
  for (uint32_t j : pops_[proj.post].spiking) {
    for (uint64_t m = p.incoming.start[j]; m < p.incoming.start[j + 1]; ++m) {
      const uint64_t s = p.incoming.synapse[m];
      p.weight[s] = after_postsynaptic_spike(p.weight[s], p.y_pre[p.incoming.pre[m]], k);
    }
    p.y_post[j] += k.trace_jump;
  }
}

void CpuBackend::record_weights(int64_t step, BlockOutput& out) const {
  for (size_t r = 0; r < spec_.recording.weights.size(); ++r) {
    const WeightRecordingSpec& w = spec_.recording.weights[r];
    if (step % w.every_steps != 0) continue;
    const std::vector<float>& weight = plastic_[plastic_of_projection_[w.projection]].weight;
    double sum = 0;
    for (float J : weight) sum += J;
    WeightRecord& record = out.weights[r];
    record.step.push_back(step);
    record.mean.push_back(weight.empty() ? 0.0 : sum / static_cast<double>(weight.size()));
    for (uint64_t s : weight_sample(weight.size(), w.sample)) record.sample.push_back(weight[s]);
  }
}

std::vector<uint64_t> CpuBackend::synapse_counts() const {
  std::vector<uint64_t> counts;
  for (const Connectivity& c : net_.projections) counts.push_back(c.synapse_count());
  return counts;
}

SampledSynapses CpuBackend::sampled_synapses(const WeightRecordingSpec& w) const {
  const Connectivity& c = net_.projections[w.projection];
  const std::vector<uint64_t> sample = weight_sample(c.synapse_count(), w.sample);
  SampledSynapses sampled{presynaptic_neurons(c.row_start, sample), {}};
  for (uint64_t s : sample) sampled.post.push_back(static_cast<int32_t>(c.targets[s]));
  return sampled;
}

std::vector<float> CpuBackend::weights(int projection) const {
  if (plastic_of_projection_[projection] >= 0) return plastic_[plastic_of_projection_[projection]].weight;
  return std::vector<float>(net_.projections[projection].synapse_count(),
                            static_cast<float>(spec_.projections[projection].weight));
}

void CpuBackend::launch(int64_t first_step, int64_t count) { started_.emplace_back(first_step, count); }

void CpuBackend::finish(BlockOutput& out) {
  const auto [first_step, count] = started_.front();
  started_.pop_front();
  for (int64_t step = first_step; step < first_step + count; ++step) {
    for (size_t a = 0; a < pops_.size(); ++a) {
      if (spec_.populations[a].model != NeuronModel::poisson) update_currents(pops_[a], spec_.populations[a], step);
    }
    record_traces(step, out);
    record_weights(step, out);
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
    for (Plastic& p : plastic_) apply_plasticity(p);
  }
}

}  // namespace eisim
