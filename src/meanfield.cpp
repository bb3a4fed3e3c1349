#include "eisim/meanfield.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace eisim {
namespace {

// Solves A x = b by Gaussian elimination with partial pivoting; false when A is singular.
bool solve(std::vector<std::vector<double>> A, std::vector<double>& b) {
  const size_t n = b.size();
  double scale = 0;
  for (const auto& row : A) {
    for (double v : row) scale = std::max(scale, std::fabs(v));
  }
  for (size_t col = 0; col < n; ++col) {
    size_t pivot = col;
    for (size_t r = col + 1; r < n; ++r) {
      if (std::fabs(A[r][col]) > std::fabs(A[pivot][col])) pivot = r;
    }
    if (std::fabs(A[pivot][col]) <= 1e-12 * scale) return false;
    std::swap(A[col], A[pivot]);
    std::swap(b[col], b[pivot]);
    for (size_t r = col + 1; r < n; ++r) {
      const double f = A[r][col] / A[col][col];
      for (size_t c = col; c < n; ++c) A[r][c] -= f * A[col][c];
      b[r] -= f * b[col];
    }
  }
  for (size_t col = n; col-- > 0;) {
    for (size_t c = col + 1; c < n; ++c) b[col] -= A[col][c] * b[c];
    b[col] /= A[col][col];
  }
  return true;
}

}  // namespace

double mean_field_weight(const NetworkSpec& spec, int post, int pre) {
  double w = 0;
  for (const auto& proj : spec.projections) {
    if (proj.post == post && proj.pre == pre) w += proj.mean_indegree(spec.populations[pre].size) * proj.weight;
  }
  return w;
}

namespace {

// The spiking populations, and the mean input each gets from the Poisson ones (mV).
struct MeanFieldInputs {
  std::vector<int> populations;
  std::vector<double> external_mv;
  bool driven = false;
};

MeanFieldInputs mean_field_inputs(const NetworkSpec& spec) {
  MeanFieldInputs in;
  for (size_t a = 0; a < spec.populations.size(); ++a) {
    const NeuronModel model = spec.populations[a].model;
    if (model == NeuronModel::eif || model == NeuronModel::lif) in.populations.push_back(static_cast<int>(a));
  }
  for (int post : in.populations) {
    double input = 0;
    for (size_t x = 0; x < spec.populations.size(); ++x) {
      if (spec.populations[x].model != NeuronModel::poisson) continue;
      const double w = mean_field_weight(spec, post, static_cast<int>(x));
      input += w * spec.populations[x].rate.r0_hz / 1000.0;
      in.driven = in.driven || w != 0.0;
    }
    in.external_mv.push_back(input);
  }
  return in;
}

}  // namespace

std::optional<BalancedRates> balanced_state_rates(const NetworkSpec& spec) {
  const MeanFieldInputs in = mean_field_inputs(spec);
  if (in.populations.empty() || !in.driven) return std::nullopt;
  const size_t n = in.populations.size();
  std::vector<std::vector<double>> W(n, std::vector<double>(n));
  std::vector<double> r(n);  // -W_x r_x, then the solution (spikes/ms)
  for (size_t i = 0; i < n; ++i) {
    for (size_t k = 0; k < n; ++k) W[i][k] = mean_field_weight(spec, in.populations[i], in.populations[k]);
    r[i] = -in.external_mv[i];
  }
  if (!solve(W, r)) return std::nullopt;
  BalancedRates out{in.populations, {}};
  for (double rate : r) out.rates_hz.push_back(1000.0 * rate);
  return out;
}

std::optional<BalancedRates> threshold_linear_rates(const NetworkSpec& spec, const ThresholdLinear& f) {
  const MeanFieldInputs in = mean_field_inputs(spec);
  if (in.populations.empty()) return std::nullopt;
  const size_t n = in.populations.size();
  const double g = f.gain_hz_per_mv / 1000.0;  // (spikes/ms) per mV
  std::vector<std::vector<double>> A(n, std::vector<double>(n));
  std::vector<double> r(n);
  for (size_t i = 0; i < n; ++i) {
    for (size_t k = 0; k < n; ++k) {
      A[i][k] = (i == k ? 1.0 : 0.0) - g * mean_field_weight(spec, in.populations[i], in.populations[k]);
    }
    r[i] = g * (in.external_mv[i] - f.threshold_mv);
  }
  if (!solve(A, r)) return std::nullopt;
  for (double rate : r) {
    if (!(rate > 0.0)) return std::nullopt;
  }
  BalancedRates out{in.populations, {}};
  for (double rate : r) out.rates_hz.push_back(1000.0 * rate);
  return out;
}

std::optional<PlasticMeanField> integrate_plastic_mean_field(const NetworkSpec& spec, const ThresholdLinear& f,
                                                             double record_every_ms) {
  const auto plastic = std::find_if(spec.projections.begin(), spec.projections.end(),
                                    [](const ProjectionSpec& p) { return p.plasticity.has_value(); });
  const MeanFieldInputs in = mean_field_inputs(spec);
  if (plastic == spec.projections.end() || in.populations.size() != 2) return std::nullopt;
  const int e = plastic->post, i = plastic->pre;
  if (e == i) return std::nullopt;
  const size_t ke = in.populations[0] == e ? 0 : 1, ki = 1 - ke;
  const double w_ee = mean_field_weight(spec, e, e), w_ie = mean_field_weight(spec, i, e),
               w_ii = mean_field_weight(spec, i, i);
  double w_ei = mean_field_weight(spec, e, i);
  const double p_ei = plastic->mean_indegree(spec.populations[i].size) / static_cast<double>(spec.populations[i].size);
  const double eps_r = 2.0 * plastic->plasticity->eta * p_ei * static_cast<double>(spec.populations[i].size);
  const double r0 = plastic->plasticity->r0_hz / 1000.0;
  const double tau_e = spec.populations[e].membrane.tau_m, tau_i = spec.populations[i].membrane.tau_m;
  const double dt = spec.simulation.dt_ms;
  auto rate = [&](double input_mv) { return f.rate_hz(input_mv) / 1000.0; };

  PlasticMeanField out;
  double re = 0, ri = 0;
  const int64_t every = std::max<int64_t>(1, std::llround(record_every_ms / dt));
  for (int64_t n = 0; n <= spec.simulation.n_steps(); ++n) {
    if (n % every == 0) {
      out.t_ms.push_back(static_cast<double>(n) * dt);
      out.rate_e_hz.push_back(1000.0 * re);
      out.rate_i_hz.push_back(1000.0 * ri);
      out.w_ei.push_back(w_ei);
    }
    const double dre = (-re + rate(w_ee * re + w_ei * ri + in.external_mv[ke])) / tau_e;
    const double dri = (-ri + rate(w_ie * re + w_ii * ri + in.external_mv[ki])) / tau_i;
    const double dw = -eps_r * (re - r0) * ri;
    re += dt * dre;
    ri += dt * dri;
    w_ei += dt * dw;
  }
  return out;
}

}  // namespace eisim
