// What a run must tell its user beyond its numbers; docs/architecture.md, "The lower bound and the
// balanced state".
#include "eisim/cli/run_warnings.hpp"

#include <cmath>
#include <sstream>

#include "eisim/theory/meanfield.hpp"

namespace eisim {
namespace {

std::string percent(double fraction) {
  std::ostringstream out;
  out.precision(fraction < 0.1 ? 2 : 3);
  out << 100.0 * fraction << "%";
  return out.str();
}

std::string number(double x) {
  std::ostringstream out;
  out.precision(3);
  out << x;
  return out.str();
}

}  // namespace

std::optional<double> lower_bound_fraction(const NetworkSpec& spec, const RunReport& report, int a) {
  const PopulationSpec& pop = spec.populations[a];
  if (!pop.spiking() || pop.model == NeuronModel::poisson || !std::isfinite(pop.membrane.V_lb)) return std::nullopt;
  if (static_cast<size_t>(a) >= report.steps_at_lower_bound.size()) return std::nullopt;
  const double steps = std::round(report.t_sim_ms / spec.simulation.dt_ms);
  const double neuron_steps = steps * static_cast<double>(pop.size);
  return neuron_steps > 0 ? static_cast<double>(report.steps_at_lower_bound[a]) / neuron_steps : 0.0;
}

std::vector<std::string> run_warnings(const NetworkSpec& spec, const RunReport& report) {
  std::vector<std::string> warnings;
  std::string bound_cause;  // the populations whose bound engaged often, for the rate warnings
  for (size_t a = 0; a < spec.populations.size(); ++a) {
    const auto fraction = lower_bound_fraction(spec, report, static_cast<int>(a));
    if (!fraction || *fraction <= kLowerBoundWarning) continue;
    const PopulationSpec& pop = spec.populations[a];
    warnings.push_back("population " + pop.name + ": the lower bound V_lb = " + number(pop.membrane.V_lb) +
                       " mV held V in " + percent(*fraction) + " of neuron-steps; each time it threw away input "
                       "(at large in-degree and dt = " + number(spec.simulation.dt_ms) + " ms one step's "
                       "inhibition can push V far below V_lb), which can move the network out of the balanced state");
    bound_cause += (bound_cause.empty() ? "" : ", ") + pop.name + " " + percent(*fraction);
  }
  const auto balanced = balanced_state_rates(spec);
  if (!balanced) return warnings;
  for (size_t k = 0; k < balanced->populations.size(); ++k) {
    const int a = balanced->populations[k];
    const double predicted = balanced->rates_hz[k], measured = report.populations[a].rate_hz;
    if (!(predicted > 0) || std::isnan(measured)) continue;
    if (measured <= kBalancedRateFactor * predicted && measured >= predicted / kBalancedRateFactor) continue;
    std::string cause =
        bound_cause.empty()
            ? "the balanced state is the limit of large in-degree and strong coupling, so check that this "
              "network is in it (eisim meanfield CONFIG), or that the run is long enough after its burn-in"
            : "likely the lower bound, which held V often (" + bound_cause +
                  " of neuron-steps): move V_lb further down or take a smaller dt";
    warnings.push_back("population " + spec.populations[a].name + ": fires at " + number(measured) +
                       " Hz, far from the balanced-state prediction " + number(predicted) + " Hz; " + cause);
  }
  return warnings;
}

}  // namespace eisim
