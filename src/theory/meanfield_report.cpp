// `eisim meanfield`'s JSON: the mean-field quantities of a config;
// docs/architecture.md, "Command line".
#include "eisim/theory/meanfield_report.hpp"

#include <algorithm>

#include "eisim/errors.hpp"
#include "eisim/theory/meanfield.hpp"

namespace eisim {
namespace {

nlohmann::ordered_json rates_json(const NetworkSpec& spec, const BalancedRates& rates) {
  nlohmann::ordered_json out;
  for (size_t k = 0; k < rates.populations.size(); ++k) out[spec.populations[rates.populations[k]].name] = rates.rates_hz[k];
  return out;
}

// The rate model (Eq. 3.11) at its threshold-linear fixed point: Jacobian eigenvalues and verdict.
nlohmann::ordered_json stability_json(const NetworkSpec& spec, const RectifiedLinear& f,
                                      const std::map<std::string, double>& tau_ms) {
  const RateNetwork net = mean_field_rate_network(spec, f, tau_ms);
  const Stability s = classify(jacobian(net, *threshold_linear_fixed_point(net)));
  nlohmann::ordered_json out;
  nlohmann::ordered_json taus;
  for (Eigen::Index a = 0; a < net.tau.size(); ++a) taus.push_back(net.tau(a));
  out["tau_ms"] = taus;
  nlohmann::ordered_json eigenvalues = nlohmann::ordered_json::array();
  for (Eigen::Index k = 0; k < s.eigenvalues.size(); ++k) {
    eigenvalues.push_back({s.eigenvalues(k).real(), s.eigenvalues(k).imag()});
  }
  out["jacobian_eigenvalues_per_ms"] = eigenvalues;  // [real, imaginary]
  out["stable"] = s.stable;
  out["oscillatory"] = s.oscillatory;
  out["verdict"] = s.verdict;
  return out;
}

}  // namespace

std::vector<FiPoint> measure_population_fi_curve(const NetworkSpec& spec) {
  for (const PopulationSpec& pop : spec.populations) {
    if (pop.model == NeuronModel::eif || pop.model == NeuronModel::lif) {
      return measure_fi_curve(pop, FiProtocol{}, spec.simulation.seed);
    }
  }
  throw ConfigError("mean_field: the f-I curve needs a spiking (eif or lif) population, and the config has none");
}

nlohmann::ordered_json plastic_mean_field_report(const NetworkSpec& spec) {
  if (!spec.mean_field) return nullptr;
  const RectifiedLinear f = mean_field_curve(*spec.mean_field);
  const auto run = integrate_plastic_mean_field(spec, f, spec.recording.rate_window_ms);
  if (!run) return nullptr;
  const auto plastic = std::find_if(spec.projections.begin(), spec.projections.end(),
                                    [](const ProjectionSpec& p) { return p.plasticity.has_value(); });
  nlohmann::ordered_json out;
  out["model"] = "book Eq. 4.3, threshold-linear f from the config's mean_field block";
  out["gain_hz_per_mv"] = 1000.0 * f.gain;
  out["threshold_mv"] = f.threshold;
  out["t_ms"] = run->t_ms;
  out["rate_hz"] = {{spec.populations[plastic->post].name, run->rate_e_hz},
                    {spec.populations[plastic->pre].name, run->rate_i_hz}};
  out["w_ei_mv_ms"] = run->w_ei;
  return out;
}

nlohmann::ordered_json mean_field_report(const NetworkSpec& spec, std::optional<RectifiedLinear> f, bool measure,
                                         const std::map<std::string, double>& tau_ms) {
  nlohmann::ordered_json out;
  nlohmann::ordered_json weights;
  for (const ProjectionSpec& proj : spec.projections) {
    weights[spec.populations[proj.post].name][spec.populations[proj.pre].name] = mean_field_weight(spec, proj.post, proj.pre);
  }
  out["mean_field_weights_mv_ms"] = weights;  // w_ab = N_b p_ab j_ab, post a, pre b
  if (const auto balanced = balanced_state_rates(spec)) out["balanced_rates_hz"] = rates_json(spec, *balanced);
  if (!f && spec.mean_field) f = mean_field_curve(*spec.mean_field);
  if (measure) {
    const std::vector<FiPoint> points = measure_population_fi_curve(spec);
    nlohmann::ordered_json curve = nlohmann::ordered_json::array();
    for (const FiPoint& p : points) curve.push_back({{"input_mv", p.input_mv}, {"rate_hz", p.rate_hz}});
    out["fi_curve"] = curve;
    f = fit_threshold_linear(points);
  }
  if (f) {
    out["threshold_linear"] = {{"gain_hz_per_mv", 1000.0 * f->gain}, {"threshold_mv", f->threshold},
                               {"source", measure ? "measured (book Fig. 2.6 protocol)" : "given"}};
    if (const auto rates = threshold_linear_rates(spec, *f)) {
      out["threshold_linear_rates_hz"] = rates_json(spec, *rates);
      out["rate_model_stability"] = stability_json(spec, *f, tau_ms);
    }
  }
  return out;
}

}  // namespace eisim
