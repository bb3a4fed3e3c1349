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

std::optional<BalancedRates> balanced_state_rates(const NetworkSpec& spec) {
  BalancedRates out;
  std::vector<int> external;
  for (size_t a = 0; a < spec.populations.size(); ++a) {
    const NeuronModel model = spec.populations[a].model;
    if (model == NeuronModel::poisson) external.push_back(static_cast<int>(a));
    if (model == NeuronModel::eif || model == NeuronModel::lif) out.populations.push_back(static_cast<int>(a));
  }
  if (out.populations.empty() || external.empty()) return std::nullopt;

  const size_t n = out.populations.size();
  std::vector<std::vector<double>> W(n, std::vector<double>(n));
  std::vector<double> rhs(n, 0.0);  // -W_x r_x
  bool driven = false;
  for (size_t i = 0; i < n; ++i) {
    for (size_t k = 0; k < n; ++k) W[i][k] = mean_field_weight(spec, out.populations[i], out.populations[k]);
    for (int x : external) {
      const double w = mean_field_weight(spec, out.populations[i], x);
      rhs[i] -= w * spec.populations[x].rate.r0_hz;
      driven = driven || w != 0.0;
    }
  }
  if (!driven || !solve(W, rhs)) return std::nullopt;
  out.rates_hz = rhs;
  return out;
}

}  // namespace eisim
