// Single neurons against closed-form theory (book Ch. 1).
#include <gtest/gtest.h>

#include <cmath>

#include "eisim/engine/config.hpp"
#include "test_support.hpp"

namespace eisim {
namespace {

// V(t) = (V0 - E_L - I0) e^{-t/tau} + E_L + I0   (book Eq. 1.3)
double leaky_integrator_max_error(const std::string& backend, double dt) {
  const double tau = 10, E_L = -70, V0 = -70, I0 = 20, T = 50;
  const NetworkSpec spec = parse_network_spec(R"({
    "simulation": {"dt": )" + std::to_string(dt) + R"(, "T": 50},
    "populations": [{"name": "L", "model": "leaky_integrator", "size": 1, "tau_m": 10, "E_L": -70, "V0": -70, "I_ext": 20}],
    "recording": {"traces": [{"population": "L", "neurons": [0]}]}})");
  const auto run = test_support::run_collecting(spec, parse_backend(backend));
  const TraceRecord& trace = run.traces[0];
  EXPECT_EQ(trace.step.size(), static_cast<size_t>(std::llround(T / dt)));
  double worst = 0;
  for (size_t s = 0; s < trace.step.size(); ++s) {
    const double t = static_cast<double>(trace.step[s]) * dt;
    const double exact = (V0 - E_L - I0) * std::exp(-t / tau) + E_L + I0;
    worst = std::max(worst, std::fabs(trace.values[s] - exact));
  }
  return worst;
}

using SingleNeuron = test_support::OnEachBackend;

TEST_P(SingleNeuron, LeakyIntegratorMatchesClosedFormWithFirstOrderConvergence) {
  const double coarse = leaky_integrator_max_error(GetParam(), 0.1);
  const double fine = leaky_integrator_max_error(GetParam(), 0.05);
  const double finer = leaky_integrator_max_error(GetParam(), 0.025);
  // Forward Euler's global error is about dt/(2 tau) * |V0 - E_L - I0| * max_t (t/tau) e^{-t/tau} = 0.037 mV.
  EXPECT_LT(coarse, 0.05);
  EXPECT_GT(coarse, 0.02);
  EXPECT_NEAR(fine / coarse, 0.5, 0.05);
  EXPECT_NEAR(finer / fine, 0.5, 0.05);
}

// The EIF has a stable fixed point only for input below I_th = V_T - E_L - D (book Sec. 1.2).
RecordedRun run_eif_with_input(const std::string& backend, double input) {
  const NetworkSpec spec = parse_network_spec(R"({
    "simulation": {"dt": 0.1, "T": 2000},
    "populations": [{"name": "N", "model": "eif", "size": 1, "tau_m": 15, "E_L": -72, "V_T": -55, "D": 2,
                     "V_th": 5, "V_re": -75, "V0": -72, "I_ext": )" + std::to_string(input) + R"(}]})");
  return test_support::run_collecting(spec, parse_backend(backend));
}

TEST_P(SingleNeuron, EifWithInputBelowThresholdNeverSpikes) {
  const double I_th = -55.0 - (-72.0) - 2.0;
  EXPECT_TRUE(run_eif_with_input(GetParam(), I_th - 1.0).spikes[0].step.empty());
}

TEST_P(SingleNeuron, EifWithInputAboveThresholdSpikesPeriodically) {
  const double I_th = -55.0 - (-72.0) - 2.0;
  const auto run = run_eif_with_input(GetParam(), I_th + 1.0);
  const std::vector<int64_t>& steps = run.spikes[0].step;
  ASSERT_GE(steps.size(), 5u);
  // After the first spike every interval starts from V_re, so all intervals are equal to a step.
  for (size_t k = 2; k < steps.size(); ++k) EXPECT_NEAR(steps[k] - steps[k - 1], steps[1] - steps[0], 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, SingleNeuron, ::testing::Values("cpu", "cuda"), test_support::backend_name);

}  // namespace
}  // namespace eisim
