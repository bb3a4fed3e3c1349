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

// "integration": "exact" integrates the LIF over each step exactly (lif_exact): with constant input
// it follows Eq. 1.3 at every step up to float rounding, which the membrane's memory of about 100 steps
// accumulates to some 10^-4 mV (Euler is off by 0.037 mV here).
TEST_P(SingleNeuron, ExactLifFollowsTheClosedFormUpToFloatRounding) {
  const RecordedRun run = this->run(parse_network_spec(R"({
    "simulation": {"dt": 0.1, "T": 50},
    "populations": [{"name": "L", "model": "lif", "size": 1, "tau_m": 10, "E_L": -70, "V_th": 0, "V_re": -70,
                     "V0": -70, "I_ext": 20, "integration": "exact"}],
    "recording": {"traces": [{"population": "L", "neurons": [0]}]}})"));
  const TraceRecord& trace = run.traces[0];
  ASSERT_EQ(trace.step.size(), 500u);
  for (size_t s = 0; s < trace.step.size(); ++s) {
    const double t = static_cast<double>(trace.step[s]) * 0.1;
    EXPECT_NEAR(trace.values[s], -70 + 20 * (1 - std::exp(-t / 10)), 5e-4) << "t = " << t;
  }
}

// One spike into an exact LIF (no threshold in reach): the current J/tau_s e^{-u/tau_s} and the PSP
// V - E_L = J / (tau_s - tau_m) (e^{-u/tau_s} - e^{-u/tau_m}), u the time since the spike acts.
TEST_P(SingleNeuron, ExactLifGivesTheClosedFormPostsynapticPotential) {
  const double J = 3, tau_s = 2, tau_m = 10;
  const RecordedRun run = this->run(parse_network_spec(R"({
    "simulation": {"dt": 0.1, "T": 40},
    "populations": [
      {"name": "D", "model": "lif", "size": 1, "tau_m": 10, "E_L": -70, "V_th": -50, "V_re": -70, "V0": -70, "I_ext": 30},
      {"name": "L", "model": "lif", "size": 1, "tau_m": 10, "E_L": -70, "V_th": 100, "V_re": -70, "V0": -70,
       "integration": "exact"}],
    "projections": [{"pre": "D", "post": "L", "rule": "all_to_all", "weight": 3, "tau_syn": 2}],
    "recording": {"spikes": ["D"], "traces": [{"population": "L", "neurons": [0]}]}})"));
  ASSERT_FALSE(run.spikes[0].step.empty());
  const int64_t arrival = run.spikes[0].step[0] + 1;
  const int64_t second = run.spikes[0].step.size() > 1 ? run.spikes[0].step[1] + 1 : 400;
  const TraceRecord& trace = run.traces[0];  // per step: V (before its update), I
  double peak = 0;
  for (size_t s = 0; s < trace.step.size() && trace.step[s] < second; ++s) {
    const double u = static_cast<double>(trace.step[s] - arrival) * 0.1;
    const double V = u < 0 ? -70 : -70 + J / (tau_s - tau_m) * (std::exp(-u / tau_s) - std::exp(-u / tau_m));
    const double I = u < 0 ? 0 : J / tau_s * std::exp(-u / tau_s);
    EXPECT_NEAR(trace.values[2 * s], V, 5e-4) << "u = " << u;
    EXPECT_NEAR(trace.values[2 * s + 1], I, 1e-5) << "u = " << u;
    peak = std::max(peak, trace.values[2 * s] + 70.0);
  }
  EXPECT_GT(peak, 0.15) << "the PSP must be large enough to test";
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
