// Dynamical rate network models (book Sec. 3.3) on the CPU: simulation, threshold-linear fixed
// points (Eq. 3.10), Jacobian stability and the 2x2 trace condition (Eq. 3.14), plus random
// Gaussian connectivity for circular-law checks (Sec. 4.2).
//
// Units follow the engine (docs/architecture.md, "Config reference"): time in ms, rates in spikes/ms, mean-field weights
// w_ab = N_b p_ab j_ab in mV·ms, inputs and thresholds in mV, gains in (spikes/ms)/mV, so that
// W r and X are both in mV.
// docs/architecture.md, "Where each equation lives".
#pragma once

#include <Eigen/Dense>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "eisim/theory/rectified_linear.hpp"

namespace eisim {

// tau ∘ dr/dt = -r + f(W r + X)  (Eq. 3.11; Eq. 3.13 is M = 2 with populations [e, i]).
struct RateNetwork {
  Eigen::MatrixXd W;              // M x M, W(a, b) = w_ab, mV·ms
  Eigen::VectorXd X;              // external input, mV (X_a = w_ax r_x to match a spiking net)
  Eigen::VectorXd tau;            // time constants, ms
  std::vector<RectifiedLinear> f; // f-I curve of each population

  int size() const { return static_cast<int>(X.size()); }
  Eigen::VectorXd input(const Eigen::VectorXd& r) const;  // W r + X
  Eigen::VectorXd rhs(const Eigen::VectorXd& r) const;    // dr/dt
};

struct Trajectory {
  Eigen::VectorXd t;  // sample times, ms
  Eigen::MatrixXd r;  // r.col(k) is the rate vector at t(k)
};

// Forward Euler from r(0) = r0 over round(T/dt) steps, keeping every record_every-th state
// (the initial state included).
Trajectory integrate(const RateNetwork& net, const Eigen::VectorXd& r0, double dt, double T,
                     int record_every = 1);

// The fixed point with every population above threshold, r = [I - G W]^{-1} G (X - θ) with
// G = diag(g_a) (Eq. 3.10). Absent when I - G W is singular or when the solution puts some
// population at or below threshold (then it is not a fixed point of the rectified system).
std::optional<Eigen::VectorXd> threshold_linear_fixed_point(const RateNetwork& net);

// J = (1/τ) ∘ (-I + G W), G = diag(f_a'(I_a)) at the fixed point r_star (Sec. 3.3).
Eigen::MatrixXd jacobian(const RateNetwork& net, const Eigen::VectorXd& r_star);

struct Stability {
  Eigen::VectorXcd eigenvalues;
  bool stable = false;       // every Re(λ) < 0
  bool oscillatory = false;  // some complex λ with Re(λ) > 0: a growing oscillation (past a Hopf point)
  std::string verdict;
};

Stability classify(const Eigen::MatrixXd& J);

// The same verdicts for a 2x2 Jacobian from its trace and determinant alone: stable iff
// Tr J < 0 and det J > 0; oscillatory iff Tr J > 0 and Tr² < 4 det (a complex pair with positive
// real part). With det > 0, Tr J changing sign is the Hopf bifurcation of Eq. 3.14.
bool stable_by_trace(const Eigen::Matrix2d& J);
bool hopf_by_trace(const Eigen::Matrix2d& J);

// Stream word of random_gaussian_matrix's Philox draws. Its top byte 0x7A is no RandomPurpose,
// so these draws never coincide with a network's connectivity, initial-state or Poisson draws.
constexpr uint32_t kGaussianMatrixStream = 0x7A000001u;

// N x N matrix of independent normal entries with mean 0 and variance rho²/N; by the circular law
// its eigenvalues fill the disk of radius rho nearly uniformly for large N.
Eigen::MatrixXd random_gaussian_matrix(int N, double rho, uint64_t seed);

}  // namespace eisim
