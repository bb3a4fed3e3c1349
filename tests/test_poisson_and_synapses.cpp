// Poisson populations and exponential synapses against Poisson statistics and Eq. 2.4.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "eisim/engine/config.hpp"
#include "test_support.hpp"

namespace eisim {
namespace {

using PoissonAndSynapses = test_support::OnEachBackend;

TEST_P(PoissonAndSynapses, PoissonRateCvAndFanoAreThoseOfAPoissonProcess) {
  const NetworkSpec spec = parse_network_spec(R"({
    "simulation": {"dt": 0.1, "T": 10000},
    "populations": [{"name": "X", "model": "poisson", "size": 2000, "rate_hz": 20}]})");
  const RecordedRun result = run(spec);
  const PopulationStatistics& x = result.report.populations[0];
  // 4·10^5 expected spikes: the relative standard error of the rate is 0.16%.
  EXPECT_NEAR(x.rate_hz, 20.0, 20.0 * 0.01);
  ASSERT_TRUE(x.cv_isi && x.fano);
  EXPECT_NEAR(*x.cv_isi, 1.0, 0.03);
  EXPECT_NEAR(*x.fano, 1.0, 0.05);
}

TEST_P(PoissonAndSynapses, SinusoidalPoissonRateFollowsItsIntegral) {
  const NetworkSpec spec = parse_network_spec(R"({
    "simulation": {"dt": 0.1, "T": 10000},
    "populations": [{"name": "X", "model": "poisson", "size": 2000,
                     "rate_hz": {"r0": 20, "r1": 10, "period": 100}}]})");
  const RecordedRun result = run(spec);
  // Spikes in the first half of each period: (r0 P/2 + r1 P/pi) / (r0 P) of all spikes.
  const double expected = (20.0 * 50.0 + 10.0 * 100.0 / M_PI) / (20.0 * 100.0);
  size_t first_half = 0;
  const auto& steps = result.spikes[0].step;
  for (int64_t step : steps) first_half += (step % 1000) < 500;
  const double fraction = static_cast<double>(first_half) / static_cast<double>(steps.size());
  EXPECT_NEAR(fraction, expected, 0.005);  // binomial standard error 0.0008 for 4·10^5 spikes
  EXPECT_NEAR(result.report.populations[0].rate_hz, 20.0, 0.3);
}

// Stationary mean of tau dI/dt = -I + J S with K Poisson inputs at rate r: K j r (book Eq. 2.4).
TEST_P(PoissonAndSynapses, StationaryMeanSynapticCurrentIsKjr) {
  const NetworkSpec spec = parse_network_spec(R"({
    "simulation": {"dt": 0.1, "T": 2050},
    "populations": [
      {"name": "L", "model": "leaky_integrator", "size": 200},
      {"name": "X", "model": "poisson", "size": 1000, "rate_hz": 20}],
    "projections": [{"pre": "X", "post": "L", "rule": "fixed_indegree", "K": 100, "weight": 2, "tau_syn": 5}],
    "recording": {"traces": [{"population": "L", "neurons": [)" + [] {
    std::string ids;
    for (int j = 0; j < 200; ++j) ids += (j ? "," : "") + std::to_string(j);
    return ids;
  }() + R"(], "every_steps": 10}]}})");
  const RecordedRun result = run(spec);
  const TraceRecord& trace = result.traces[0];
  double sum = 0;
  size_t count = 0;
  for (size_t s = 0; s < trace.step.size(); ++s) {
    if (trace.step[s] < 500) continue;  // 50 ms = 10 tau of transient
    for (size_t j = 0; j < 200; ++j) {
      sum += trace.values[(s * 200 + j) * 2 + 1];  // [V, I_X] per neuron
      ++count;
    }
  }
  const double expected = 100 * 2.0 * 0.020;  // K j r with r in spikes/ms
  // Standard error about 0.02 mV: shot-noise sd 0.9 mV, ~200 independent samples per neuron in
  // time, neurons correlated through 10% shared inputs.
  EXPECT_NEAR(sum / static_cast<double>(count), expected, 0.1);
}

// A population's poisson_input: each neuron's spike count per step, read back from its current's jumps
// (I_n - (1 - dt/tau) I_{n-1} = k_n J / tau), is Poisson with mean r dt (chi-square over the counts),
// and independent between neurons.
TEST_P(PoissonAndSynapses, PoissonInputBringsPoissonCountsEveryStep) {
  const double rate_khz = 23.2, dt = 0.1, lambda = rate_khz * dt, J = 0.5, tau = 2;
  const RecordedRun run = this->run(parse_network_spec(R"({
    "simulation": {"dt": 0.1, "T": 1000, "seed": 4},
    "populations": [{"name": "L", "model": "lif", "size": 10, "V_th": 1000, "V_re": -65,
                     "poisson_input": {"rate_hz": 23200, "weight": 0.5, "tau_syn": 2}}],
    "recording": {"traces": [{"population": "L", "neurons": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]}]}})"));
  const TraceRecord& trace = run.traces[0];  // per step, per neuron: V, I
  const size_t steps = trace.step.size(), neurons = 10;
  ASSERT_EQ(steps, 10000u);
  const auto current = [&](size_t s, size_t j) { return static_cast<double>(trace.values[(s * neurons + j) * 2 + 1]); };
  std::vector<std::vector<int>> counts(neurons);
  std::vector<double> histogram(12, 0.0);
  for (size_t j = 0; j < neurons; ++j) {
    for (size_t s = 0; s < steps; ++s) {
      const double before = s == 0 ? 0.0 : current(s - 1, j);
      const double k = (current(s, j) - (1 - dt / tau) * before) * tau / J;
      ASSERT_NEAR(k, std::round(k), 1e-3) << "not a whole number of spikes at step " << s;
      counts[j].push_back(static_cast<int>(std::round(k)));
      histogram[std::min<size_t>(counts[j].back(), 11)] += 1;
    }
  }
  double chi2 = 0, p = std::exp(-lambda), tail = 1;
  for (int k = 0; k < 12; ++k) {
    const double expected = (k < 11 ? p : tail) * static_cast<double>(steps * neurons);
    chi2 += (histogram[k] - expected) * (histogram[k] - expected) / expected;
    tail -= p;
    p *= lambda / (k + 1);
  }
  EXPECT_LT(chi2, 11 + 5 * std::sqrt(22.0)) << "11 degrees of freedom";
  // Counts of different neurons are uncorrelated: |r| within 5 standard errors (1/sqrt(steps)).
  for (size_t j = 1; j < neurons; ++j) {
    double sxy = 0, sx = 0, sy = 0, sxx = 0, syy = 0;
    for (size_t s = 0; s < steps; ++s) {
      const double x = counts[0][s], y = counts[j][s];
      sx += x, sy += y, sxy += x * y, sxx += x * x, syy += y * y;
    }
    const double n = static_cast<double>(steps);
    const double r = (sxy / n - sx * sy / (n * n)) / std::sqrt((sxx / n - sx * sx / (n * n)) * (syy / n - sy * sy / (n * n)));
    EXPECT_LT(std::fabs(r), 5 / std::sqrt(n)) << "neurons 0 and " << j;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, PoissonAndSynapses, ::testing::Values("cpu", "cuda"), test_support::backend_name);

}  // namespace
}  // namespace eisim
