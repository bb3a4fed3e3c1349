// Mean-field theory of a config: weights w_ab = N_b p_ab j_ab, the balanced state (book Eq. 3.9), the
// threshold-linear fixed point (Eq. 3.10), the plastic mean field (Eq. 4.3);
// docs/architecture.md, "Where each equation lives".
#include "eisim/theory/meanfield.hpp"

#include <algorithm>
#include <cmath>

#include "eisim/errors.hpp"

namespace eisim {
namespace {

std::vector<int> spiking_populations(const NetworkSpec& spec) {
  std::vector<int> out;
  for (size_t a = 0; a < spec.populations.size(); ++a) {
    const NeuronModel model = spec.populations[a].model;
    if (model == NeuronModel::eif || model == NeuronModel::lif) out.push_back(static_cast<int>(a));
  }
  return out;
}

// W among `pops` and the mean input X each gets from the Poisson populations (mV); `driven` tells
// whether any Poisson population projects onto them.
void weights_and_drive(const NetworkSpec& spec, const std::vector<int>& pops, Eigen::MatrixXd& W, Eigen::VectorXd& X,
                       bool& driven) {
  const auto n = static_cast<Eigen::Index>(pops.size());
  W.resize(n, n);
  X.setZero(n);
  driven = false;
  for (Eigen::Index a = 0; a < n; ++a) {
    for (Eigen::Index b = 0; b < n; ++b) W(a, b) = mean_field_weight(spec, pops[a], pops[b]);
    for (size_t x = 0; x < spec.populations.size(); ++x) {
      if (spec.populations[x].model != NeuronModel::poisson) continue;
      const double w = mean_field_weight(spec, pops[a], static_cast<int>(x));
      X(a) += w * spec.populations[x].rate.r0_hz / 1000.0;
      driven = driven || w != 0.0;
    }
  }
}

BalancedRates in_hz(const std::vector<int>& pops, const Eigen::VectorXd& rates_per_ms) {
  BalancedRates out{pops, {}};
  for (Eigen::Index a = 0; a < rates_per_ms.size(); ++a) out.rates_hz.push_back(1000.0 * rates_per_ms(a));
  return out;
}

}  // namespace

double mean_field_weight(const NetworkSpec& spec, int post, int pre) {
  double w = 0;
  for (const auto& proj : spec.projections) {
    if (proj.post == post && proj.pre == pre) w += proj.mean_indegree(spec.populations[pre].size, spec.populations[post].size) * proj.weight;
  }
  return w;
}

std::optional<BalancedRates> balanced_state_rates(const NetworkSpec& spec) {
  const std::vector<int> pops = spiking_populations(spec);
  if (pops.empty()) return std::nullopt;
  Eigen::MatrixXd W;
  Eigen::VectorXd X;
  bool driven = false;
  weights_and_drive(spec, pops, W, X, driven);
  const Eigen::FullPivLU<Eigen::MatrixXd> lu(W);
  if (!driven || !lu.isInvertible()) return std::nullopt;
  return in_hz(pops, lu.solve(-X));
}

RateNetwork mean_field_rate_network(const NetworkSpec& spec, const RectifiedLinear& f,
                                    const std::map<std::string, double>& tau_ms) {
  const std::vector<int> pops = spiking_populations(spec);
  RateNetwork net;
  bool driven = false;
  weights_and_drive(spec, pops, net.W, net.X, driven);
  net.tau.resize(static_cast<Eigen::Index>(pops.size()));
  for (size_t a = 0; a < pops.size(); ++a) {
    const std::string& name = spec.populations[pops[a]].name;
    const auto given = tau_ms.find(name);
    net.tau(static_cast<Eigen::Index>(a)) = given != tau_ms.end() ? given->second : spec.populations[pops[a]].membrane.tau_m;
    net.f.push_back(f);
  }
  for (const auto& [name, tau] : tau_ms) {
    const int index = spec.population_index(name);
    if (index < 0 || std::find(pops.begin(), pops.end(), index) == pops.end()) {
      throw UsageError("--tau " + name + ": not a spiking population of the config");
    }
    if (!(tau > 0)) throw UsageError("--tau " + name + ": must be > 0 ms");
  }
  return net;
}

std::optional<BalancedRates> threshold_linear_rates(const NetworkSpec& spec, const RectifiedLinear& f) {
  const std::vector<int> pops = spiking_populations(spec);
  if (pops.empty()) return std::nullopt;
  const auto r = threshold_linear_fixed_point(mean_field_rate_network(spec, f));
  if (!r) return std::nullopt;
  return in_hz(pops, *r);
}

std::optional<PlasticMeanField> integrate_plastic_mean_field(const NetworkSpec& spec, const RectifiedLinear& f,
                                                             double record_every_ms) {
  const auto plastic = std::find_if(spec.projections.begin(), spec.projections.end(),
                                    [](const ProjectionSpec& p) { return p.plasticity.has_value(); });
  const std::vector<int> pops = spiking_populations(spec);
  if (plastic == spec.projections.end() || pops.size() != 2 || plastic->pre == plastic->post) return std::nullopt;
  RateNetwork net = mean_field_rate_network(spec, f);
  const Eigen::Index e = pops[0] == plastic->post ? 0 : 1, i = 1 - e;
  const int n_i = static_cast<int>(spec.populations[plastic->pre].size);
  const double p_ei =
      plastic->mean_indegree(n_i, spec.populations[plastic->post].size) / static_cast<double>(n_i);
  const double eps_r = 2.0 * plastic->plasticity->eta * p_ei * static_cast<double>(n_i);
  const double r0 = plastic->plasticity->r0_hz / 1000.0;
  const double dt = spec.simulation.dt_ms;
  const int64_t every = std::max<int64_t>(1, std::llround(record_every_ms / dt));

  PlasticMeanField out;
  Eigen::VectorXd r = Eigen::VectorXd::Zero(2);
  for (int64_t n = 0; n <= spec.simulation.n_steps(); ++n) {
    if (n % every == 0) {
      out.t_ms.push_back(static_cast<double>(n) * dt);
      out.rate_e_hz.push_back(1000.0 * r(e));
      out.rate_i_hz.push_back(1000.0 * r(i));
      out.w_ei.push_back(net.W(e, i));
    }
    const Eigen::VectorXd drdt = net.rhs(r);
    const double dw = -eps_r * (r(e) - r0) * r(i);
    r += dt * drdt;
    net.W(e, i) += dt * dw;
  }
  return out;
}

}  // namespace eisim
