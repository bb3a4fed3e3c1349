// Rate network models (include/eisim/theory/rate_network.hpp) against the theory of the book's Sec. 3.3
// and 4.2: the fixed point of Eq. 3.10, Jacobian eigenvalues and the trace condition of
// Eq. 3.14 for the E-I network of Fig. 3.4, and the circular law for random Gaussian matrices.
#include "eisim/theory/rate_network.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <cstdio>
#include <vector>

namespace {

using eisim::RateNetwork;

constexpr double kPi = 3.141592653589793;

// Fig. 3.4 of the book. The text says only "parameters derived from the mean-field theory" of
// Fig. 3.3; the values are those of the book's companion notebook CodeFromBook/RecurrentRateNet.ipynb
// (github.com/RobertRosenbaum/ModelingNeuralCircuits): mean-field weights w_ab = N_b p_ab j_ab of the
// spiking network with N_x = N_e = 2000, N_i = 500, p = 0.1 and j_ee = 10, j_ei = -40, j_ie = 30,
// j_ii = -60, j_ex = 25, j_ix = 17 mV·ms; X = W_x r_x with r_x = 5 Hz; and for both populations the
// threshold-linear fit to the EIF f-I curve of Fig. 2.6C printed by CodeFromBook/EIFfIcurve.ipynb,
// g = 0.003575 (spikes/ms)/mV = 3.575 Hz/mV and θ = 9.639160837867031 mV.
constexpr double kGain = 0.003575;
constexpr double kTheta = 9.639160837867031;
constexpr double kWee = 2000, kWei = -2000, kWie = 6000, kWii = -3000;  // mV·ms
constexpr double kXe = 5000 * 0.005, kXi = 3400 * 0.005;                 // mV

RateNetwork fig34_network(double tau_e, double tau_i) {
  RateNetwork net;
  net.W.resize(2, 2);
  net.W << kWee, kWei, kWie, kWii;
  net.X = Eigen::Vector2d(kXe, kXi);
  net.tau = Eigen::Vector2d(tau_e, tau_i);
  net.f = {{kGain, kTheta}, {kGain, kTheta}};
  return net;
}

// Eq. 3.10 for M = 2 by Cramer's rule: [I - gW] r = g (X - θ).
Eigen::Vector2d fig34_fixed_point_by_hand() {
  const double a = 1 - kGain * kWee, b = -kGain * kWei, c = -kGain * kWie, d = 1 - kGain * kWii;
  const double ye = kGain * (kXe - kTheta), yi = kGain * (kXi - kTheta);
  const double det = a * d - b * c;
  return {(d * ye - b * yi) / det, (a * yi - c * ye) / det};
}

// Sample indices of the local maxima of x.
std::vector<long> peaks(const Eigen::VectorXd& x) {
  std::vector<long> out;
  for (long k = 1; k + 1 < x.size(); ++k) {
    if (x(k) > x(k - 1) && x(k) >= x(k + 1)) out.push_back(k);
  }
  return out;
}

// Near the fixed point the deviation of r_e is A e^{σt} cos(ωt + φ) with λ = σ ± iω the Jacobian's
// eigenvalues, so successive maxima are 2π/ω apart and grow by e^{2πσ/ω}. Returns (σ, ω) measured
// from the maxima of a simulation started slightly off the fixed point.
std::complex<double> measured_eigenvalue(const RateNetwork& net, const Eigen::VectorXd& r_star, double kick,
                                         double T) {
  const double dt = 0.001;  // Euler shifts σ by about dt|λ|²/2 ≈ 1e-4/ms here; small against the tolerances
  const eisim::Trajectory tr = eisim::integrate(net, r_star + Eigen::Vector2d(kick, 0), dt, T, 1);
  const Eigen::VectorXd dev = tr.r.row(0).transpose().array() - r_star(0);
  const std::vector<long> p = peaks(dev);
  EXPECT_GE(p.size(), 3u);
  if (p.size() < 2) return {};
  const double span = tr.t(p.back()) - tr.t(p.front());
  const double sigma = std::log(dev(p.back()) / dev(p.front())) / span;
  const double omega = 2 * kPi * static_cast<double>(p.size() - 1) / span;
  return {sigma, omega};
}

TEST(RateNetwork, ThresholdLinearCurve) {
  const eisim::RectifiedLinear f{2.0, 5.0};
  EXPECT_EQ(f(4.0), 0.0);
  EXPECT_EQ(f(5.0), 0.0);
  EXPECT_DOUBLE_EQ(f(8.0), 6.0);
  EXPECT_EQ(f.slope(4.0), 0.0);
  EXPECT_EQ(f.slope(8.0), 2.0);
}

TEST(RateNetwork, Fig34IsInhibitionStabilised) {
  // Sec. 3.3: the network of Fig. 3.4A,B is inhibitory-stabilised, g_e w_ee > 1.
  EXPECT_GT(kGain * kWee, 1.0);
  // ... and the E-E loop alone is unstable: its 1x1 Jacobian (g w_ee - 1)/τ_e is positive.
  RateNetwork alone = fig34_network(30, 15);
  alone.W(0, 1) = alone.W(1, 0) = 0;  // cut E <-> I
  const auto r_star = eisim::threshold_linear_fixed_point(fig34_network(30, 15));
  ASSERT_TRUE(r_star);
  EXPECT_GT(eisim::jacobian(alone, *r_star)(0, 0), 0.0);
}

TEST(RateNetwork, FixedPointSolvesEq310AndZeroesTheRightHandSide) {
  const RateNetwork net = fig34_network(30, 15);
  const auto r = eisim::threshold_linear_fixed_point(net);
  ASSERT_TRUE(r);
  const Eigen::Vector2d expected = fig34_fixed_point_by_hand();
  EXPECT_NEAR((*r)(0), expected(0), 1e-12);
  EXPECT_NEAR((*r)(1), expected(1), 1e-12);
  EXPECT_GT((*r)(0), 0.0);
  EXPECT_GT((*r)(1), 0.0);
  EXPECT_LT(net.rhs(*r).cwiseAbs().maxCoeff(), 1e-15);  // spikes/ms², against rates ~1e-2 spikes/ms / 30 ms
  std::printf("Fig. 3.4 fixed point: r_e = %.4f Hz, r_i = %.4f Hz\n", 1000 * (*r)(0), 1000 * (*r)(1));
}

TEST(RateNetwork, NoAboveThresholdFixedPointWithoutDrive) {
  // With X = 0 < θ every input is below threshold at rest; the only fixed point is r = 0,
  // and the linear solution of Eq. 3.10 puts the inputs below threshold.
  RateNetwork net = fig34_network(30, 15);
  net.X.setZero();
  EXPECT_FALSE(eisim::threshold_linear_fixed_point(net));
  EXPECT_LT(net.rhs(Eigen::Vector2d::Zero()).cwiseAbs().maxCoeff(), 1e-300);
}

TEST(RateNetwork, Fig34JacobianEigenvaluesAndTrace) {
  // Eigenvalues printed by RecurrentRateNet.ipynb for J = (1/τ)∘(-I + gW).
  const std::complex<double> book_stable(-0.28833333, 0.31215203);    // τ_e = 30, τ_i = 15 ms
  const std::complex<double> book_swapped(0.00958333, 0.4248331);     // τ_e = 15, τ_i = 30 ms
  for (const bool swapped : {false, true}) {
    const double tau_e = swapped ? 15 : 30, tau_i = swapped ? 30 : 15;
    const RateNetwork net = fig34_network(tau_e, tau_i);
    const Eigen::MatrixXd J = eisim::jacobian(net, *eisim::threshold_linear_fixed_point(net));
    const eisim::Stability s = eisim::classify(J);
    const std::complex<double> book = swapped ? book_swapped : book_stable;
    ASSERT_EQ(s.eigenvalues.size(), 2);
    for (const std::complex<double> lambda : s.eigenvalues) {
      EXPECT_NEAR(lambda.real(), book.real(), 1e-7);
      EXPECT_NEAR(std::abs(lambda.imag()), book.imag(), 1e-7);
    }
    // Eq. 3.14.
    const double trace = (kGain * kWee - 1) / tau_e + (kGain * kWii - 1) / tau_i;
    EXPECT_NEAR(J.trace(), trace, 1e-14);
    EXPECT_EQ(s.stable, !swapped);
    EXPECT_EQ(s.oscillatory, swapped);
    EXPECT_EQ(eisim::stable_by_trace(J), !swapped);
    EXPECT_EQ(eisim::hopf_by_trace(J), swapped);
    EXPECT_EQ(trace > 0, swapped);
    std::printf("tau_e = %g, tau_i = %g ms: lambda = %.8f +- %.8fi /ms, Tr J = %.6f: %s\n", tau_e, tau_i,
                s.eigenvalues(0).real(), std::abs(s.eigenvalues(0).imag()), trace, s.verdict.c_str());
  }
}

TEST(RateNetwork, LinearisedDynamicsFollowTheJacobianEigenvalues) {
  // A small kick off r* stays on the linear branch of f, so the trajectory's decay or growth rate and
  // angular frequency are the real and imaginary parts of the Jacobian's complex pair.
  for (const bool swapped : {false, true}) {
    const RateNetwork net = fig34_network(swapped ? 15 : 30, swapped ? 30 : 15);
    const Eigen::VectorXd r_star = *eisim::threshold_linear_fixed_point(net);
    const std::complex<double> lambda = eisim::classify(eisim::jacobian(net, r_star)).eigenvalues(0);
    // Stable: 4 periods of decay from 1e-4 spikes/ms stay far above round-off; swapped: 100 ms of
    // growth by e^{0.0096·100} ≈ 2.6 from 1e-6 spikes/ms stay far below the distance to threshold.
    const std::complex<double> measured =
        swapped ? measured_eigenvalue(net, r_star, 1e-6, 100) : measured_eigenvalue(net, r_star, 1e-4, 80);
    EXPECT_NEAR(measured.real(), lambda.real(), 0.02 * std::abs(lambda.real()));
    EXPECT_NEAR(measured.imag(), std::abs(lambda.imag()), 0.005 * std::abs(lambda.imag()));
    std::printf("tau_e %s tau_i: measured sigma = %.6f, omega = %.6f /ms (Jacobian %.6f, %.6f)\n",
                swapped ? "<" : ">", measured.real(), measured.imag(), lambda.real(), std::abs(lambda.imag()));
  }
}

TEST(RateNetwork, Fig34StableRunConvergesToTheFixedPoint) {
  // Fig. 3.4A,B: r(0) = 0, dt = 0.1 ms, T = 200 ms as in the book's notebook. The distance to r*
  // shrinks like e^{-0.288 t}, i.e. by e^{-57} over the run.
  const RateNetwork net = fig34_network(30, 15);
  const Eigen::Vector2d r_star = fig34_fixed_point_by_hand();
  const eisim::Trajectory tr = eisim::integrate(net, Eigen::Vector2d::Zero(), 0.1, 200, 10);
  ASSERT_EQ(tr.r.cols(), 201);
  EXPECT_DOUBLE_EQ(tr.t(200), 200.0);
  EXPECT_LT((tr.r.col(200) - r_star).cwiseAbs().maxCoeff(), 1e-12 * r_star.maxCoeff());
}

TEST(RateNetwork, Fig34SwappedRunOscillatesWithoutDecaying) {
  // Fig. 3.4C,D: τ_e and τ_i swapped, otherwise as above but run for 2 s. Past the Hopf point the
  // oscillation grows until rectification of f bounds it: a sustained oscillation around r*.
  const RateNetwork net = fig34_network(15, 30);
  const Eigen::Vector2d r_star = fig34_fixed_point_by_hand();
  const eisim::Trajectory tr = eisim::integrate(net, Eigen::Vector2d::Zero(), 0.1, 2000, 1);
  const Eigen::VectorXd re = tr.r.row(0).transpose();
  const long n = re.size();
  auto peak_to_peak = [&](long from, long to) {
    const Eigen::VectorXd w = re.segment(from, to - from);
    return w.maxCoeff() - w.minCoeff();
  };
  const double late = peak_to_peak(n - 2500, n);          // last 250 ms
  const double before = peak_to_peak(n - 5000, n - 2500);  // the 250 ms before
  EXPECT_GT(late, 0.5 * r_star(0));                        // a large oscillation, ...
  EXPECT_GT(late, 0.99 * before);                          // ... not decaying, ...
  EXPECT_LT(re.tail(2500).maxCoeff(), 10 * r_star(0));     // ... and bounded,
  EXPECT_GT(re.tail(2500).minCoeff(), 0.0);                // ... around r* ...
  EXPECT_LT(re.tail(2500).minCoeff(), r_star(0));
  EXPECT_GT(re.tail(2500).maxCoeff(), r_star(0));
  // ... which never comes back near r* (a limit cycle, not a slow approach).
  const double closest = (tr.r.rightCols(2500).colwise() - r_star).colwise().norm().minCoeff();
  EXPECT_GT(closest, 0.1 * r_star(0));
  std::printf("swapped: r_e in [%.3f, %.3f] Hz over the last 250 ms (r_e* = %.3f Hz), |r - r*| >= %.3f Hz\n",
              1000 * re.tail(2500).minCoeff(), 1000 * re.tail(2500).maxCoeff(), 1000 * r_star(0), 1000 * closest);
}

TEST(RateNetwork, TraceConditionAgreesWithEigenvaluesOnATauGrid) {
  // τ_e, τ_i from 2 to 100 ms (geometric grid), for the Fig. 3.4 weights (det J > 0 for every τ)
  // and for a variant with w_ie / 10, where det J < 0 (a saddle). The grid covers stable nodes and
  // foci, unstable foci (Hopf) and unstable nodes and saddles.
  int stable = 0, hopf = 0, unstable_real = 0;
  for (const double w_ie_scale : {1.0, 0.1}) {
    for (int a = 0; a < 25; ++a) {
      for (int b = 0; b < 25; ++b) {
        const double tau_e = 2 * std::pow(50.0, a / 24.0), tau_i = 2 * std::pow(50.0, b / 24.0);
        RateNetwork net = fig34_network(tau_e, tau_i);
        net.W(1, 0) *= w_ie_scale;
        // Evaluated at r = (1, 0) spikes/ms, where both inputs are far above threshold, so G = g I as in Eq. 3.14.
        const Eigen::Vector2d r(1, 0);
        ASSERT_GT(net.input(r).minCoeff(), kTheta);
        const Eigen::Matrix2d J = eisim::jacobian(net, r);
        const eisim::Stability s = eisim::classify(J);
        ASSERT_EQ(eisim::stable_by_trace(J), s.stable) << tau_e << " " << tau_i << " " << w_ie_scale;
        ASSERT_EQ(eisim::hopf_by_trace(J), s.oscillatory) << tau_e << " " << tau_i << " " << w_ie_scale;
        EXPECT_NEAR(J.trace(), (kGain * kWee - 1) / tau_e + (kGain * kWii - 1) / tau_i, 1e-14);
        stable += s.stable;
        hopf += s.oscillatory;
        unstable_real += !s.stable && !s.oscillatory;
      }
    }
  }
  EXPECT_GT(stable, 0);
  EXPECT_GT(hopf, 0);
  EXPECT_GT(unstable_real, 0);
}

TEST(RateNetwork, GaussianMatrixEntriesAndReproducibility) {
  const int N = 1000;
  const double rho = 1.5;
  const Eigen::MatrixXd W = eisim::random_gaussian_matrix(N, rho, 20220101);
  const double count = static_cast<double>(W.size());
  const double mean = W.mean();
  const double var = (W.array() - mean).square().sum() / (count - 1);
  // Standard errors: mean sqrt(var/count) = 5e-5, variance var·sqrt(2/count) = 0.14%.
  EXPECT_NEAR(mean, 0.0, 3e-4);
  EXPECT_NEAR(var, rho * rho / N, 0.01 * rho * rho / N);
  // A normal variable is within one standard deviation with probability 0.6827 (s.e. 0.0005 here).
  const double within = (W.array().abs() < rho / std::sqrt(static_cast<double>(N))).cast<double>().sum() / count;
  EXPECT_NEAR(within, 0.6827, 0.003);
  EXPECT_EQ(eisim::random_gaussian_matrix(50, rho, 7), eisim::random_gaussian_matrix(50, rho, 7));
  EXPECT_NE(eisim::random_gaussian_matrix(50, rho, 7), eisim::random_gaussian_matrix(50, rho, 8));
}

TEST(RateNetwork, CircularLaw) {
  // Sec. 4.2: the eigenvalues of an N x N matrix of i.i.d. entries with variance rho²/N fill the disk
  // of radius rho uniformly as N grows, so a quarter of them lie within rho/2.
  const int N = 1000;
  const double rho = 1.5;
  const Eigen::VectorXcd lambda = eisim::classify(eisim::random_gaussian_matrix(N, rho, 20220101)).eigenvalues;
  const Eigen::ArrayXd modulus = lambda.array().abs();
  const double inner = (modulus < rho / 2).cast<double>().sum() / N;
  EXPECT_LT(modulus.maxCoeff(), 1.1 * rho);
  EXPECT_GT(modulus.maxCoeff(), 0.9 * rho);
  EXPECT_NEAR(inner, 0.25, 0.03);
  std::printf("circular law, N = %d, rho = %g: max |lambda| = %.4f, fraction within rho/2 = %.4f\n", N, rho,
              modulus.maxCoeff(), inner);
}

}  // namespace
