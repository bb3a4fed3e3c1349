// The count of neuron-steps the lower bound V_lb held (docs/architecture.md, "The lower bound and the
// balanced state"), on each backend: a neuron whose every Euler step ends below V_lb is counted every
// step, and one whose steps never do is never counted. From V = V_lb, one step of the EIF ends below
// V_lb when -(V_lb - E_L) + D exp((V_lb - V_T) / D) + I_ext < 0 (model/neuron.hpp), i.e. when
// I_ext < V_lb - E_L - D exp((V_lb - V_T) / D); for the LIF, without the exponential term.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "eisim/cli/run_warnings.hpp"
#include "eisim/engine/config.hpp"
#include "test_support.hpp"

namespace eisim {
namespace {

constexpr double kVlb = -85, kEL = -72, kVT = -55, kD = 1;
constexpr int64_t kSteps = 1000;  // T = 100 ms at dt = 0.1 ms
constexpr int64_t kNeurons = 3;

// Three neurons of `model` starting at V_lb, driven by a constant I_ext.
NetworkSpec bounded_neurons(const std::string& model, double input) {
  const std::string threshold = model == "eif" ? R"("V_T": -55, "D": 1, "V_th": 10)" : R"("V_th": -50)";
  return parse_network_spec(R"({"simulation": {"dt": 0.1, "T": 100},
    "populations": [{"name": "N", "model": ")" + model + R"(", "size": 3, "tau_m": 15, "E_L": -72, )" + threshold +
                            R"(, "V_re": -75, "V_lb": -85, "V0": -85, "I_ext": )" + std::to_string(input) + "}]}");
}

// The input below which a step from V_lb ends below it.
double critical_input(const std::string& model) {
  return kVlb - kEL - (model == "eif" ? kD * std::exp((kVlb - kVT) / kD) : 0.0);
}

using LowerBound = test_support::OnEachBackend;

TEST_P(LowerBound, ANeuronPushedBelowTheBoundEveryStepIsCountedEveryStep) {
  for (const std::string model : {"eif", "lif"}) {
    SCOPED_TRACE(model);
    const NetworkSpec spec = bounded_neurons(model, critical_input(model) - 7.0);  // -20 mV
    ASSERT_EQ(spec.simulation.n_steps(), kSteps);
    const RecordedRun run = this->run(spec);
    ASSERT_EQ(run.report.steps_at_lower_bound.size(), 1u);
    EXPECT_EQ(run.report.steps_at_lower_bound[0], static_cast<uint64_t>(kSteps * kNeurons));
    EXPECT_EQ(lower_bound_fraction(spec, run.report, 0), 1.0);
    EXPECT_TRUE(run.spikes[0].step.empty());
  }
}

TEST_P(LowerBound, ANeuronDrivenJustAboveTheCriticalInputIsNeverCounted) {
  for (const std::string model : {"eif", "lif"}) {
    SCOPED_TRACE(model);
    // From V_lb, V rises towards E_L + I_ext = V_lb + 1 mV and never goes below V_lb.
    const NetworkSpec spec = bounded_neurons(model, critical_input(model) + 1.0);
    const RecordedRun run = this->run(spec);
    ASSERT_EQ(run.report.steps_at_lower_bound.size(), 1u);
    EXPECT_EQ(run.report.steps_at_lower_bound[0], 0u);
    EXPECT_EQ(lower_bound_fraction(spec, run.report, 0), 0.0);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, LowerBound, ::testing::Values("cpu", "cuda"), test_support::backend_name);

}  // namespace
}  // namespace eisim
