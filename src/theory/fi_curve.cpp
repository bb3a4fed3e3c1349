// f-I curves by simulation (book Fig. 2.6) and their threshold-linear fit;
// docs/architecture.md, "Where each equation lives".
#include "eisim/theory/fi_curve.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "eisim/engine/simulation.hpp"

namespace eisim {
namespace {

std::string number(double x) {
  std::ostringstream out;
  out.precision(17);
  out << x;
  return out.str();
}

// One network: per swept rate, a group of neurons with its own excitatory pool (so neurons share
// few inputs), and one inhibitory pool for all.
std::string fi_network_json(const PopulationSpec& neuron, const FiProtocol& p, uint64_t seed) {
  const MembraneParams& m = neuron.membrane;
  std::string pops, projections;
  const int64_t pool_e = 20 * p.K_e;
  pops += R"({"name": "Pi", "model": "poisson", "size": )" + std::to_string(20 * p.K_i) +
          R"(, "rate_hz": )" + number(p.r_i_hz) + "}";
  for (size_t k = 0; k < p.r_e_hz.size(); ++k) {
    const std::string post = "N" + std::to_string(k), pre = "Pe" + std::to_string(k);
    pops += R"(, {"name": ")" + post + R"(", "model": ")" + model_name(neuron.model) + R"(", "size": )" +
            std::to_string(p.neurons_per_point) + R"(, "tau_m": )" + number(m.tau_m) + R"(, "E_L": )" + number(m.E_L) +
            R"(, "V_th": )" + number(m.V_th) + R"(, "V_re": )" + number(m.V_re) +
            (neuron.model == NeuronModel::eif ? R"(, "V_T": )" + number(m.V_T) + R"(, "D": )" + number(m.D) : "") +
            (std::isfinite(m.V_lb) ? R"(, "V_lb": )" + number(m.V_lb) : "") + "}";
    pops += R"(, {"name": ")" + pre + R"(", "model": "poisson", "size": )" + std::to_string(pool_e) +
            R"(, "rate_hz": )" + number(p.r_e_hz[k]) + "}";
    projections += std::string(k ? ", " : "") + R"({"pre": ")" + pre + R"(", "post": ")" + post +
                   R"(", "rule": "fixed_indegree", "K": )" + std::to_string(p.K_e) + R"(, "weight": )" +
                   number(p.j_e) + R"(, "tau_syn": )" + number(p.tau_e) + "}";
    projections += R"(, {"pre": "Pi", "post": ")" + post + R"(", "rule": "fixed_indegree", "K": )" +
                   std::to_string(p.K_i) + R"(, "weight": )" + number(p.j_i) + R"(, "tau_syn": )" + number(p.tau_i) + "}";
  }
  return R"({"simulation": {"dt": )" + number(p.dt_ms) + R"(, "T": )" + number(p.t_ms) + R"(, "burn_in": )" +
         number(p.burn_in_ms) + R"(, "seed": )" + std::to_string(seed) + R"(}, "populations": [)" + pops +
         R"(], "projections": [)" + projections + "]}";
}

}  // namespace

std::vector<FiPoint> measure_fi_curve(const PopulationSpec& neuron, const FiProtocol& protocol, uint64_t seed) {
  const NetworkSpec spec = parse_network_spec(fi_network_json(neuron, protocol, seed));
  const RunReport report = run_simulation(spec, RunOptions{});
  std::vector<FiPoint> points;
  const double inhibition = static_cast<double>(protocol.K_i) * protocol.j_i * protocol.r_i_hz / 1000.0;
  for (size_t k = 0; k < protocol.r_e_hz.size(); ++k) {
    const double excitation = static_cast<double>(protocol.K_e) * protocol.j_e * protocol.r_e_hz[k] / 1000.0;
    points.push_back(FiPoint{excitation + inhibition, report.populations[spec.population_index("N" + std::to_string(k))].rate_hz});
  }
  return points;
}

RectifiedLinear fit_threshold_linear(const std::vector<FiPoint>& points) {
  RectifiedLinear best;
  if (points.empty()) return best;
  const auto [lowest, highest] = std::minmax_element(points.begin(), points.end(),
                                                     [](const FiPoint& a, const FiPoint& b) { return a.input_mv < b.input_mv; });
  const double from = lowest->input_mv - 20.0, to = highest->input_mv;
  double best_error = std::numeric_limits<double>::infinity();
  const int grid = 4000;
  for (int s = 0; s <= grid; ++s) {
    const double theta = from + (to - from) * s / grid;
    double xr = 0, xx = 0;
    for (const FiPoint& p : points) {
      const double x = std::max(0.0, p.input_mv - theta);
      xr += x * p.rate_hz;
      xx += x * x;
    }
    if (xx == 0) continue;
    const RectifiedLinear candidate{xr / xx, theta};  // in Hz per mV while fitting
    double error = 0;
    for (const FiPoint& p : points) error += (candidate(p.input_mv) - p.rate_hz) * (candidate(p.input_mv) - p.rate_hz);
    if (error < best_error) {
      best_error = error;
      best = candidate;
    }
  }
  return RectifiedLinear{best.gain / 1000.0, best.threshold};
}

}  // namespace eisim
