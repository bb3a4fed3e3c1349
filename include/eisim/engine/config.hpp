// The network description: what a JSON config says, resolved to numbers and validated.
// Units: ms, mV, mV·ms for weights; rates are given in Hz in configs and kept in Hz here.
// docs/architecture.md, "Config".
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "eisim/model/neuron.hpp"
#include "eisim/model/schedules.hpp"

namespace eisim {

const char* model_name(NeuronModel model);

// Membrane parameters of the integrating models (EIF, LIF, leaky integrator); book Eq. 1.2/1.5.
struct MembraneParams {
  double tau_m = 15.0;
  double E_L = -72.0;
  double V_T = -55.0;  // EIF only
  double D = 1.0;      // EIF only: spike slope factor Delta_T
  double V_th = 10.0;  // spike when V > V_th (not the leaky integrator)
  double V_re = -75.0;
  double V_lb = -std::numeric_limits<double>::infinity();  // lower bound on V; -inf: none
  double t_ref = 0.0;  // absolute refractory period (ms): V is held at V_re this long after a spike
  bool exact = false;  // LIF only ("integration": "exact"): propagators over the step instead of Euler
};

// An independent Poisson spike train into each neuron of a population (NEST's poisson_generator
// connected to every neuron), with no synapses stored: each step a neuron draws how many spikes its
// train brings (model/poisson.hpp, poisson_count), each adding weight / tau_syn to a synaptic current
// of its own, the population's last channel.
struct PoissonInputSpec {
  double rate_hz = 0.0;
  double weight = 0.0;   // J, mV·ms
  double tau_syn = 0.0;  // ms
};

struct PopulationSpec {
  std::string name;
  NeuronModel model = NeuronModel::eif;
  int64_t size = 0;
  MembraneParams membrane;
  CurrentSchedule external_current;  // I_ext (mV), added to the synaptic input
  double v0_low = -75.0, v0_high = -55.0;  // V(0) ~ U(v0_low, v0_high); equal bounds: a constant
  double v0_sd = 0.0;  // > 0: V(0) ~ N(v0_low = v0_high, v0_sd) instead (cut at 5 sd)
  PoissonRate rate;                         // poisson only
  std::optional<PoissonInputSpec> poisson_input;  // eif and lif
  bool spiking() const { return model != NeuronModel::leaky_integrator; }
};

enum class ConnectionRule { probability, fixed_indegree, all_to_all, fixed_total_number };

// Inhibitory homeostatic plasticity (book Eq. 4.1/4.2): eligibility traces tau_y dy/dt = -y + S of
// the pre- and postsynaptic neurons; a presynaptic spike changes each of its synapses by
// -eta (y_post - 2 r0), a postsynaptic spike each of its synapses by -eta y_pre.
struct PlasticitySpec {
  double eta = 0.0;     // learning rate, mV·ms per (spikes/ms)
  double r0_hz = 0.0;   // target rate of the postsynaptic neurons
  double tau_y = 0.0;   // ms
  bool clip_at_zero = false;  // keep every weight <= 0
};

struct ProjectionSpec {
  std::string name;  // "pre->post" unless given
  int pre = 0, post = 0;  // population indices
  ConnectionRule rule = ConnectionRule::probability;
  double p = 0.0;           // probability rule
  int64_t indegree = 0;     // fixed_indegree rule
  int64_t synapses = 0;     // fixed_total_number rule: drawn with replacement (multapses, autapses)
  double weight = 0.0;      // J, mV·ms: a presynaptic spike adds J / tau_syn to the current
  double weight_sd = 0.0;   // > 0: each synapse's J drawn from a normal (model/synapse_draws.hpp)
  double tau_syn = 0.0;     // ms
  double delay_ms = 0.0;    // 0: one step, the smallest (a spike of step n acts at step n + 1)
  double delay_sd_ms = 0.0;  // > 0: each synapse's delay drawn from a normal
  std::optional<PlasticitySpec> plasticity;
  // Expected number of inputs a postsynaptic neuron gets (N_pre p, K, N_pre, or synapses / N_post).
  double mean_indegree(int64_t n_pre, int64_t n_post) const;
  bool draws_weights() const { return weight_sd > 0; }
  bool draws_delays() const { return delay_sd_ms > 0; }
};

struct TraceSpec {
  int population = 0;
  std::vector<int64_t> neurons;  // population-local indices
  int64_t every_steps = 1;
};

// Weights of a plastic projection: their mean and a fixed sample every `every_steps` steps.
struct WeightRecordingSpec {
  int projection = 0;
  int64_t every_steps = 1;
  int64_t sample = 0;  // synapses sampled, evenly spaced in presynaptic-major order
};

struct RecordingSpec {
  std::vector<int> spike_populations;
  std::vector<TraceSpec> traces;
  std::vector<WeightRecordingSpec> weights;
  double rate_window_ms = 0.0;  // population rates per window in the summary
};

struct SimulationSpec {
  double dt_ms = 0.1;
  double t_ms = 1000.0;
  double burn_in_ms = 0.0;
  uint64_t seed = 1;
  int64_t n_steps() const;
};

// A threshold-linear f-I curve r = g [I - theta]_+ for the mean-field tools (theory/fi_curve.hpp),
// e.g. from `eisim meanfield` on a previous run.
struct MeanFieldSpec {
  double gain_hz_per_mv = 0.0;
  double threshold_mv = 0.0;
};

struct NetworkSpec {
  std::map<std::string, double> parameters;  // resolved values of the "parameters" block
  SimulationSpec simulation;
  std::vector<PopulationSpec> populations;
  std::vector<ProjectionSpec> projections;
  RecordingSpec recording;
  std::optional<MeanFieldSpec> mean_field;

  int population_index(const std::string& name) const;  // -1 when absent
  int64_t total_neurons() const;
};

// Reads and validates a JSON config; `overrides` are "key=value" strings from --set.
// Throws ConfigError naming the bad field.
NetworkSpec load_network_spec(const std::string& path, const std::vector<std::string>& overrides = {});
NetworkSpec parse_network_spec(const std::string& json_text, const std::vector<std::string>& overrides = {});

}  // namespace eisim
