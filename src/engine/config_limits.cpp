// The ranges a whole network must keep to (docs/architecture.md, "Config reference").
#include "src/engine/config_limits.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "eisim/engine/backend_setup.hpp"
#include "eisim/engine/network.hpp"
#include "eisim/errors.hpp"
#include "eisim/model/synapse.hpp"

namespace eisim {
namespace {

std::string fmt(double x, int digits = 6) {
  std::ostringstream out;
  out.precision(digits);
  out << x;
  return out.str();
}

void check_time_constant(const std::string& field, double tau, double dt) {
  if (!(tau > dt)) {
    throw ConfigError(field + ": must be longer than the step dt = " + fmt(dt) + " ms (one Euler step of a time "
                      "constant at or below dt is meaningless), got " + fmt(tau));
  }
}

// The membrane state is float: voltages and currents (mV) beyond kMaxMillivolts would become inf or lose
// every digit a step adds, so that the run would be meaningless; none is near them in any model.
void check_voltages(const PopulationSpec& pop, const std::string& field) {
  const MembraneParams& m = pop.membrane;
  const auto check = [&](const std::string& key, double mv) {
    if (!(std::fabs(mv) <= kMaxMillivolts)) {
      throw ConfigError(field + "." + key + ": at most 10^6 mV in magnitude (the state is single precision), got " +
                        fmt(mv));
    }
  };
  check("E_L", m.E_L);
  if (pop.model == NeuronModel::eif) check("V_T", m.V_T), check("D", m.D);
  if (pop.spiking()) check("V_th", m.V_th), check("V_re", m.V_re);
  if (pop.spiking() && std::isfinite(m.V_lb)) check("V_lb", m.V_lb);
  check("V0", pop.v0_low), check("V0", pop.v0_high), check("V0", pop.v0_low + kNormalCutoffSd * pop.v0_sd);
  for (double value : pop.external_current.value) check("I_ext", value);
}

// A Poisson input's count per step stays short to draw (inversion takes about r dt steps), and its jumps
// within the fixed-point sums.
void check_poisson_input(const PoissonInputSpec& input, const std::string& field, double dt) {
  check_time_constant(field + ".tau_syn", input.tau_syn, dt);
  const double per_step = input.rate_hz / 1000.0 * dt;
  if (!(per_step <= kMaxPoissonInputPerStep)) {
    throw ConfigError(field + ".rate_hz: at most " + fmt(kMaxPoissonInputPerStep) + " spikes per step of dt = " +
                      fmt(dt) + " ms on average, got " + fmt(input.rate_hz) + " Hz");
  }
  const double jump = std::fabs(input.weight / input.tau_syn);
  const double most = static_cast<double>(poisson_input_count(input, dt).max_count);
  if (!(jump * most * kFixedPointOne < 0x1p62)) {
    throw ConfigError(field + ".weight: a step's input could overflow the 64-bit fixed-point sum: |J| / tau_syn = " +
                      fmt(jump) + " mV from each of up to " + fmt(most) + " spikes a step must stay below 2^30 mV; got " +
                      fmt(input.weight));
  }
}

// A delay of at least one step, within the delay rings' reach, and constant on a plastic projection.
void check_delay(const ProjectionSpec& proj, const std::string& field, double dt) {
  if (proj.delay_ms > 0 && !(proj.delay_ms >= dt)) {
    throw ConfigError(field + ".delay: must be at least the step dt = " + fmt(dt) + " ms (the smallest delay is one "
                      "step; leave it out for that), got " + fmt(proj.delay_ms));
  }
  const double longest = proj.draws_delays() ? delay_distribution(proj, dt).high : proj.delay_ms;
  if (!(longest / dt < static_cast<double>(kMaxDelaySteps))) {
    throw ConfigError(field + (proj.draws_delays() ? ".delay_sd" : ".delay") + ": the longest delay" +
                      (proj.draws_delays() ? " (delay + 5 delay_sd, beyond which draws are redrawn)" : "") +
                      " must stay below " + std::to_string(kMaxDelaySteps) + " steps of dt = " + fmt(dt) +
                      " ms, got " + fmt(longest) + " ms");
  }
  if (proj.plasticity && proj.draws_delays()) {
    throw ConfigError(field + ".delay_sd: a plastic projection takes a constant delay only (no delay_sd) yet, got " +
                      fmt(proj.delay_sd_ms) + " ms");
  }
}

}  // namespace

double max_spikes_per_step(const PopulationSpec& pre) {
  const double n = static_cast<double>(pre.size);
  return pre.model == NeuronModel::poisson ? 2.0 * n + 1024.0 : n;
}

void check_limits(const NetworkSpec& spec) {
  const SimulationSpec& sim = spec.simulation;
  const double steps = sim.t_ms / sim.dt_ms;
  if (steps > static_cast<double>(kMaxSteps)) {
    throw ConfigError("simulation.T: T / dt = " + fmt(steps) + " steps; at most 2^40 steps, got T = " + fmt(sim.t_ms) +
                      " ms at dt = " + fmt(sim.dt_ms) + " ms");
  }
  const double windows = sim.t_ms / spec.recording.rate_window_ms;
  if (windows > static_cast<double>(kMaxRateWindows)) {
    // Twelve digits: just past the limit, fmt's six would say "1e+06 rate windows, at most 1e+06".
    throw ConfigError("recording.rate_window_ms: the run would have " + fmt(std::ceil(windows), 12) +
                      " rate windows, at most " + fmt(static_cast<double>(kMaxRateWindows), 12) +
                      "; choose a window of at least " + fmt(sim.t_ms / static_cast<double>(kMaxRateWindows), 12) +
                      " ms, got " + fmt(spec.recording.rate_window_ms));
  }
  // The statistics count ceil(T / window - 1e-9) windows (statistics.cpp): a window more than 10^9
  // times T leaves them none, and the first spike would be counted outside them. Symmetric to the
  // limit above: at most 10^6 windows, and a window at most 10^6 times T.
  if (!(windows >= 1.0 / static_cast<double>(kMaxRateWindows))) {
    throw ConfigError("recording.rate_window_ms: at most 10^6 times T = " +
                      fmt(sim.t_ms * static_cast<double>(kMaxRateWindows)) + " ms (the default is max(100, T/50) ms), got " +
                      fmt(spec.recording.rate_window_ms));
  }
  int64_t neurons = 0;
  for (const PopulationSpec& pop : spec.populations) {
    const std::string field = "populations." + pop.name;
    neurons += pop.size;
    if (neurons > kMaxNeurons) {
      throw ConfigError(field + ".size: at most 2^31 - 1 neurons in all populations (neurons are numbered with "
                        "32-bit integers), and this population brings the total to " + std::to_string(neurons));
    }
    if (pop.model == NeuronModel::poisson) {
      const double per_step = pop.rate.max_hz() / 1000.0 * sim.dt_ms;
      if (!(per_step < 1.0)) {
        throw ConfigError(field + ".rate_hz: the peak rate times dt must be below one spike per step (a neuron "
                          "spikes at most once a step), got " + fmt(pop.rate.max_hz()) + " Hz at dt = " +
                          fmt(sim.dt_ms) + " ms");
      }
    } else {
      check_voltages(pop, field);
      check_time_constant(field + ".tau_m", pop.membrane.tau_m, sim.dt_ms);
      if (pop.poisson_input) check_poisson_input(*pop.poisson_input, field + ".poisson_input", sim.dt_ms);
      if (!(pop.membrane.t_ref / sim.dt_ms < static_cast<double>(kMaxRefractorySteps))) {
        throw ConfigError(field + ".t_ref: at most " + std::to_string(kMaxRefractorySteps) + " steps of dt = " +
                          fmt(sim.dt_ms) + " ms, got " + fmt(pop.membrane.t_ref));
      }
    }
  }
  for (const ProjectionSpec& proj : spec.projections) {
    const std::string field = "projections." + proj.name;
    check_time_constant(field + ".tau_syn", proj.tau_syn, sim.dt_ms);
    if (proj.plasticity) check_time_constant(field + ".plasticity.tau_y", proj.plasticity->tau_y, sim.dt_ms);
    check_delay(proj, field, sim.dt_ms);
    // A step's jumps onto one neuron are summed in 64-bit fixed point (value * 2^32): they must stay
    // below 2^62, half the range, even if every presynaptic neuron spikes in the same step. With
    // delays a step's sum holds at most one spike from each synapse still, each of at most the
    // largest weight drawn. With multapses (fixed_total_number) a neuron may have every synapse.
    const TruncatedNormal weights = weight_distribution(proj);
    const double jump = std::max(std::fabs(weights.low), std::fabs(weights.high)) / proj.tau_syn;
    const PopulationSpec& pre = spec.populations[proj.pre];
    const double spikes = proj.rule == ConnectionRule::fixed_total_number
                              ? static_cast<double>(proj.synapses) * max_spikes_per_step(pre) / static_cast<double>(pre.size)
                              : max_spikes_per_step(pre);
    const double worst = jump * spikes * kFixedPointOne;
    if (!(worst < 0x1p62)) {
      throw ConfigError(field + ".weight: a step's synaptic input could overflow the 64-bit fixed-point sum: |J| / "
                        "tau_syn = " + fmt(jump) + " mV from each of up to " + fmt(spikes) +
                        " presynaptic spikes a step must stay below 2^30 mV; got weight " + fmt(proj.weight) +
                        (proj.draws_weights() ? " with weight_sd " + fmt(proj.weight_sd) : ""));
    }
  }
}

}  // namespace eisim
