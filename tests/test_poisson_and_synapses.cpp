// Poisson populations and exponential synapses against Poisson statistics and Eq. 2.4.
#include <gtest/gtest.h>

#include <cmath>

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

INSTANTIATE_TEST_SUITE_P(Backends, PoissonAndSynapses, ::testing::Values("cpu", "cuda"), test_support::backend_name);

}  // namespace
}  // namespace eisim
