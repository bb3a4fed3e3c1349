// The chaotic RNN with trained readout and feedback against the book's claims (Sec. 4.2, Eq. 4.4-4.8,
// Exercises 4.2.2-4.2.3), with the parameters of its RNN.ipynb: N = 200, rho = 1.5, tau = 20, dt = 0.1,
// LMS rate 0.005, target sin(2 pi t / 500).
#include "eisim/theory/rnn.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>

namespace {

using eisim::ChaoticRnn;
using eisim::Learning;
using eisim::RnnParams;
using eisim::RnnRun;

constexpr uint64_t kSeed = 6;
constexpr double kPi = 3.14159265358979323846;
constexpr double kAmplitude = 1.0;
constexpr double kPeriod = 500.0;  // ms

// Learning on during [500, 2500) (four periods after a chaotic transient), then 1500 ms (three
// periods) with R frozen and the feedback still on.
constexpr double kLearnFrom = 500.0, kLearnUntil = 2500.0, kEnd = 4000.0;

double sine_target(double t) { return kAmplitude * std::sin(2.0 * kPi * t / kPeriod); }

double rms_error(const RnnRun& run, double from, double until) {
  double sum = 0.0;
  long n = 0;
  for (size_t i = 0; i < run.t.size(); ++i) {
    if (run.t[i] >= from && run.t[i] < until) {
      sum += run.error[i] * run.error[i];
      ++n;
    }
  }
  return std::sqrt(sum / n);
}

double rms_error_after_learning(Learning learning) {
  RnnParams params;
  params.seed = kSeed;
  const RnnRun run =
      eisim::train_and_test(params, sine_target, learning, kLearnFrom, kLearnUntil, kEnd);
  return rms_error(run, kLearnUntil, kEnd);
}

// Exercise 4.2.3: RLS finds a readout that keeps producing the target after learning is switched
// off; Exercise 4.2.2: LMS does not, its readout only "chases" the target while learning is on.
// RMS error over the 1500 ms after learning stops, amplitude 1. Measured for seeds 6, 1, 2, 3, 4:
// RLS 0.008-0.019, LMS 0.45-1.02 (LMS/RLS >= 30).
TEST(ChaoticRnn, RlsKeepsProducingTargetAfterLearningButLmsDoesNot) {
  const double rls = rms_error_after_learning(Learning::rls);
  const double lms = rms_error_after_learning(Learning::lms);
  RecordProperty("rls_rms_error", std::to_string(rls));
  RecordProperty("lms_rms_error", std::to_string(lms));
  EXPECT_LT(rls, 0.1 * kAmplitude);
  EXPECT_GT(lms, 0.3 * kAmplitude);
  EXPECT_GT(lms, 3.0 * rls);
}

// Mean over neurons of the standard deviation over time of r_j(t) in [1000, 2000) ms, without
// feedback or input: the rate network of Eq. (3.11) with random W.
double rate_fluctuations(double rho) {
  RnnParams params;
  params.seed = kSeed;
  params.rho = rho;
  params.feedback_std = 0.0;
  ChaoticRnn rnn(params);
  const double from = 1000.0, until = 2000.0;
  Eigen::VectorXd sum = Eigen::VectorXd::Zero(params.N), sum_sq = sum;
  long n = 0;
  for (long i = 1; i * params.dt < until; ++i) {
    rnn.step(0.0, Learning::none);
    if (i * params.dt >= from) {
      sum += rnn.rates();
      sum_sq += rnn.rates().cwiseAbs2();
      ++n;
    }
  }
  const Eigen::ArrayXd mean = sum.array() / n;
  return (sum_sq.array() / n - mean.square()).max(0.0).sqrt().mean();
}

// Sec. 4.2: the fixed point r = 0 is stable when the spectral radius rho of W is below 1, and gives
// way to chaotic activity that does not decay when rho is above 1. With rho = 0.5, r decays at least
// like exp(-(1 - rho) t / tau), to below 1e-11 by t = 1000. With rho = 1.5 the book's claim holds for
// large N; at N = 200 some realisations of W (5 of seeds 0-19, e.g. seed 1, whose leading eigenvalue
// is real) settle into a non-zero fixed point after a chaotic transient. The notebook's seed 6 stays
// chaotic (0.48; seeds 2, 3, 4: 0.39-0.56, steady up to t = 10000).
TEST(ChaoticRnn, ChaoticAboveRhoOneAndDecaysBelow) {
  const double chaotic = rate_fluctuations(1.5);
  const double stable = rate_fluctuations(0.5);
  RecordProperty("std_rho_1_5", std::to_string(chaotic));
  RecordProperty("std_rho_0_5", std::to_string(stable));
  EXPECT_GT(chaotic, 0.1);
  EXPECT_LT(stable, 1e-6);
}

}  // namespace
