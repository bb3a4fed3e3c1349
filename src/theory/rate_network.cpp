// Rate networks (book Sec. 3.3): Euler integration, fixed points, Jacobian and its eigenvalues;
// docs/architecture.md, "Where each equation lives".
#include "eisim/theory/rate_network.hpp"

#include <Eigen/Eigenvalues>

#include <cmath>
#include <stdexcept>

#include "eisim/model/random.hpp"

namespace eisim {

Eigen::VectorXd RateNetwork::input(const Eigen::VectorXd& r) const { return W * r + X; }

Eigen::VectorXd RateNetwork::rhs(const Eigen::VectorXd& r) const {
  const Eigen::VectorXd I = input(r);
  Eigen::VectorXd drdt(size());
  for (int a = 0; a < size(); ++a) drdt(a) = (-r(a) + f[a](I(a))) / tau(a);
  return drdt;
}

Trajectory integrate(const RateNetwork& net, const Eigen::VectorXd& r0, double dt, double T, int record_every) {
  if (dt <= 0 || T < 0 || record_every < 1) {
    throw std::invalid_argument("integrate: need dt > 0, T >= 0 and record_every >= 1");
  }
  const long steps = std::lround(T / dt);
  const long samples = steps / record_every + 1;
  Trajectory out{Eigen::VectorXd(samples), Eigen::MatrixXd(net.size(), samples)};
  Eigen::VectorXd r = r0;
  for (long step = 0, k = 0; step <= steps; ++step) {
    if (step % record_every == 0) {
      out.t(k) = step * dt;
      out.r.col(k++) = r;
    }
    if (step < steps) r += dt * net.rhs(r);
  }
  return out;
}

std::optional<Eigen::VectorXd> threshold_linear_fixed_point(const RateNetwork& net) {
  const int M = net.size();
  Eigen::VectorXd g(M), theta(M);
  for (int a = 0; a < M; ++a) {
    g(a) = net.f[a].gain;
    theta(a) = net.f[a].threshold;
  }
  const Eigen::MatrixXd A = Eigen::MatrixXd::Identity(M, M) - g.asDiagonal() * net.W;
  const Eigen::FullPivLU<Eigen::MatrixXd> lu(A);
  if (!lu.isInvertible()) return std::nullopt;
  const Eigen::VectorXd r = lu.solve(g.asDiagonal() * (net.X - theta));
  // The linear solve assumed every f_a on its linear branch; check that assumption holds.
  if (((net.input(r) - theta).array() <= 0).any()) return std::nullopt;
  return r;
}

Eigen::MatrixXd jacobian(const RateNetwork& net, const Eigen::VectorXd& r_star) {
  const int M = net.size();
  const Eigen::VectorXd I = net.input(r_star);
  Eigen::VectorXd G(M);
  for (int a = 0; a < M; ++a) G(a) = net.f[a].slope(I(a));
  const Eigen::MatrixXd GW = G.asDiagonal() * net.W;
  return net.tau.cwiseInverse().asDiagonal() * (GW - Eigen::MatrixXd::Identity(M, M));
}

Stability classify(const Eigen::MatrixXd& J) {
  Stability s;
  s.eigenvalues = Eigen::EigenSolver<Eigen::MatrixXd>(J, /*computeEigenvectors=*/false).eigenvalues();
  const auto re = s.eigenvalues.real().array();
  const auto im = s.eigenvalues.imag().array();
  // EigenSolver reports real eigenvalues with an imaginary part of exactly zero.
  const bool complex = (im != 0).any();
  s.stable = (re < 0).all();
  s.oscillatory = (re > 0 && im != 0).any();
  if (s.stable) {
    s.verdict = complex ? "stable focus: damped oscillation" : "stable node";
  } else if (s.oscillatory) {
    s.verdict = "unstable focus: growing oscillation (Hopf regime)";
  } else if ((re > 0).any()) {
    s.verdict = "unstable: real eigenvalue > 0, no oscillation";
  } else {
    s.verdict = "marginal: max Re(lambda) = 0";
  }
  return s;
}

bool stable_by_trace(const Eigen::Matrix2d& J) { return J.trace() < 0 && J.determinant() > 0; }

bool hopf_by_trace(const Eigen::Matrix2d& J) {
  const double tr = J.trace();
  return tr > 0 && tr * tr < 4 * J.determinant();
}

Eigen::MatrixXd random_gaussian_matrix(int N, double rho, uint64_t seed) {
  const double kTwoPi = 6.283185307179586;
  const double scale = rho / std::sqrt(static_cast<double>(N));
  Eigen::MatrixXd W(N, N);
  // One Philox draw per entry (item = row, index = column), so entries do not depend on fill order.
  for (int j = 0; j < N; ++j) {
    for (int i = 0; i < N; ++i) {
      const RandomWords w = random_words(seed, kGaussianMatrixStream, static_cast<uint32_t>(i), j);
      const double u1 = uniform_open(w.w[0], w.w[1]);
      const double u2 = uniform_open(w.w[2], w.w[3]);
      W(i, j) = scale * std::sqrt(-2.0 * std::log(u1)) * std::cos(kTwoPi * u2);  // Box–Muller
    }
  }
  return W;
}

}  // namespace eisim
