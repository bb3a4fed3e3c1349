// CPU backend: its state, made from the spec and the built network (docs/architecture.md,
// "Backends"). Mirrors kernels/setup.cu.
#include "src/cpu/cpu_backend.hpp"

#include "eisim/cluster/spike_exchange.hpp"
#include "eisim/engine/backend_setup.hpp"

namespace eisim {
namespace {

CpuBackend::Plastic make_plastic(const NetworkSpec& spec, const Connectivity& c, int projection, Slice post) {
  const ProjectionSpec& proj = spec.projections[projection];
  const size_t n_pre = static_cast<size_t>(spec.populations[proj.pre].size);
  const size_t n_post = static_cast<size_t>(post.size());
  CpuBackend::Plastic p;
  p.projection = projection;
  p.constants = plasticity_constants(spec, projection);
  if (c.weight.empty()) {
    p.weight.assign(c.synapse_count(), static_cast<float>(proj.weight));
  } else {
    p.weight = c.weight;  // drawn (weight_sd)
  }
  p.y_pre.assign(n_pre, 0.0f);
  p.y_post.assign(n_post, 0.0f);
  p.incoming = postsynaptic_index(c, static_cast<int64_t>(n_post));
  return p;
}

}  // namespace

CpuBackend::CpuBackend(const NetworkSpec& spec, const Network& net, Communicator* ranks)
    : spec_(spec),
      net_(net),
      ranks_(ranks ? *ranks : one_process()),
      partition_(partition(spec, ranks_.rank(), ranks_.size())),
      pops_(spec.populations.size()),
      exchange_steps_(exchange_interval(spec)) {
  const double dt = spec.simulation.dt_ms;
  for (size_t a = 0; a < pops_.size(); ++a) {
    const PopulationSpec& ps = spec.populations[a];
    PopulationState& pop = pops_[a];
    pop.slice = partition_.populations[a];
    const size_t n = static_cast<size_t>(pop.slice.size());
    if (ps.model == NeuronModel::poisson) {
      pop.next_candidate_ms = initial_poisson_candidates(spec, static_cast<int>(a), pop.slice);
      pop.candidates.assign(n, 0);
      continue;
    }
    pop.constants = membrane_constants(ps.membrane, dt);
    pop.V = initial_potentials(spec, static_cast<int>(a), pop.slice);
    if (pop.constants.ref_steps > 0) pop.refractory.assign(n, 0);
    pop.ring = ring_slots(spec, static_cast<int>(a));
    pop.total_input.resize(n);
    pop.crossed.assign((n + 7) / 8 * 8, 0);
    for (double tau : channel_time_constants(spec, static_cast<int>(a))) {
      pop.channels.push_back(Channel{synaptic_decay(spec, static_cast<int>(a), tau),
                                     synaptic_gain(spec, static_cast<int>(a), tau), std::vector<float>(n, 0.0f),
                                     std::vector<int64_t>(static_cast<size_t>(pop.ring) * n, 0)});
    }
    if (ps.poisson_input) {
      pop.poisson_count = poisson_input_count(*ps.poisson_input, dt);
      pop.poisson_jump = fixed_point_jump(ps.poisson_input->weight, ps.poisson_input->tau_syn);
    }
  }
  plastic_of_projection_.assign(spec.projections.size(), -1);
  for (size_t k = 0; k < spec.projections.size(); ++k) {
    if (!spec.projections[k].plasticity) continue;
    plastic_of_projection_[k] = static_cast<int>(plastic_.size());
    plastic_.push_back(
        make_plastic(spec, net.projections[k], static_cast<int>(k), partition_.populations[spec.projections[k].post]));
  }
  const std::vector<int> channel = projection_channels(spec);
  for (size_t k = 0; k < spec.projections.size(); ++k) {
    const ProjectionSpec& proj = spec.projections[k];
    const Plastic* plastic = plastic_of_projection_[k] >= 0 ? &plastic_[plastic_of_projection_[k]] : nullptr;
    const Connectivity& c = net.projections[k];
    const float* weights = plastic ? plastic->weight.data() : c.weight.empty() ? nullptr : c.weight.data();
    pops_[proj.pre].outgoing.push_back(Outgoing{static_cast<int>(k), proj.post, channel[k], constant_delay_steps(proj, dt),
                                                c.delay_steps.empty() ? nullptr : c.delay_steps.data(), jump_fixed(proj),
                                                weights, weight_fixed_scale(proj), plastic});
  }
  for (const WeightRecordingSpec& w : spec.recording.weights) {
    weight_samples_.push_back(rank_weight_sample(ranks_, net.projections[w.projection].row_start, w.sample));
  }
  weight_sums_.resize(spec.recording.weights.size());
}

std::string CpuBackend::device() const { return device_description(BackendKind::cpu) + " (one core)"; }

}  // namespace eisim
