// What a run tells its user beyond its numbers (src/cli/run_warnings.cpp; docs/architecture.md, "The lower
// bound and the balanced state"), on RunReports built by hand for the canonical network (balanced
// prediction E 5.56 Hz, I 13.89 Hz; V_lb = -85 mV; 1000 ms at dt = 0.1 ms, so 10^4 steps of 4000 E and
// 1000 I neurons): a bound that held V in more than 20% of a population's neuron-steps is flagged, and a
// rate more than twice or less than half the prediction is flagged with its likely cause.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "eisim/cli/run_warnings.hpp"
#include "eisim/engine/config.hpp"
#include "test_support.hpp"

namespace eisim {
namespace {

class RunWarnings : public ::testing::Test {
 protected:
  const NetworkSpec spec_ = load_network_spec(test_support::source_path("configs/balanced_eif.json"));

  // A report of the whole run: rates (E, I; X at its 10 Hz) and fractions of neuron-steps at the bound.
  RunReport report(double e_hz, double i_hz, double e_bound, double i_bound) const {
    RunReport r;
    r.t_sim_ms = spec_.simulation.t_ms;
    const double steps = 10000;
    for (double hz : {e_hz, i_hz, 10.0}) {
      PopulationStatistics p;
      p.rate_hz = hz;
      r.populations.push_back(p);
    }
    r.steps_at_lower_bound = {static_cast<uint64_t>(e_bound * steps * 4000), static_cast<uint64_t>(i_bound * steps * 1000),
                              0};
    return r;
  }
};

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST_F(RunWarnings, TheCanonicalNetworkIsAsExpected) {
  ASSERT_EQ(spec_.populations.size(), 3u);
  ASSERT_EQ(spec_.populations[0].name, "E");
  ASSERT_EQ(spec_.populations[0].size, 4000);
  ASSERT_EQ(spec_.populations[1].size, 1000);
  ASSERT_EQ(spec_.simulation.n_steps(), 10000);
  EXPECT_DOUBLE_EQ(*lower_bound_fraction(spec_, report(5.56, 13.89, 0.5, 0.0), 0), 0.5);
  EXPECT_FALSE(lower_bound_fraction(spec_, report(5.56, 13.89, 0.5, 0.0), 2).has_value()) << "X has no bound";
}

TEST_F(RunWarnings, ABoundHoldingVInHalfOfTheNeuronStepsIsFlaggedNamingThePopulation) {
  const std::vector<std::string> w = run_warnings(spec_, report(5.56, 13.89, 0.5, 0.0));
  ASSERT_EQ(w.size(), 1u);
  EXPECT_TRUE(has(w[0], "population E")) << w[0];
  EXPECT_TRUE(has(w[0], "V_lb = -85 mV")) << w[0];
  EXPECT_TRUE(has(w[0], "50%")) << w[0];
}

TEST_F(RunWarnings, ARateFarAboveThePredictionWithTheBoundEngagedNamesTheBound) {
  const std::vector<std::string> w = run_warnings(spec_, report(27.0, 13.89, 0.5, 0.0));
  ASSERT_EQ(w.size(), 2u);
  EXPECT_TRUE(has(w[1], "population E: fires at 27 Hz")) << w[1];
  EXPECT_TRUE(has(w[1], "5.56 Hz")) << w[1];
  EXPECT_TRUE(has(w[1], "likely the lower bound")) << w[1];
  EXPECT_TRUE(has(w[1], "E 50%")) << w[1];
  EXPECT_TRUE(has(w[1], "move V_lb further down or take a smaller dt")) << w[1];
}

TEST_F(RunWarnings, ARateFarAboveThePredictionWithoutTheBoundNamesTheLargeInDegreeLimit) {
  const std::vector<std::string> w = run_warnings(spec_, report(27.0, 13.89, 0.0, 0.0));
  ASSERT_EQ(w.size(), 1u);
  EXPECT_TRUE(has(w[0], "population E: fires at 27 Hz")) << w[0];
  EXPECT_TRUE(has(w[0], "limit of large in-degree")) << w[0];
  EXPECT_FALSE(has(w[0], "lower bound")) << w[0];
  // Far below the prediction alike.
  const std::vector<std::string> low = run_warnings(spec_, report(5.56, 5.0, 0.0, 0.0));
  ASSERT_EQ(low.size(), 1u);
  EXPECT_TRUE(has(low[0], "population I: fires at 5 Hz")) << low[0];
}

TEST_F(RunWarnings, RatesWithinAFactorTwoAndFractionsUpTo20PercentGiveNone) {
  EXPECT_TRUE(run_warnings(spec_, report(5.56, 13.89, 0.0, 0.0)).empty());
  EXPECT_TRUE(run_warnings(spec_, report(10.0, 25.0, 0.19, 0.19)).empty());
  EXPECT_TRUE(run_warnings(spec_, report(3.0, 7.5, 0.2, 0.2)).empty());  // 20% exactly: not more than 20%
  // The canonical network's own figures (5.9% and 8.7% at the bound) are far from the threshold.
  EXPECT_TRUE(run_warnings(spec_, report(5.6, 13.5, 0.059, 0.087)).empty());
  // Just past each threshold, a warning.
  EXPECT_EQ(run_warnings(spec_, report(5.56, 13.89, 0.21, 0.0)).size(), 1u);
  EXPECT_EQ(run_warnings(spec_, report(11.2, 13.89, 0.0, 0.0)).size(), 1u);
  EXPECT_EQ(run_warnings(spec_, report(2.7, 13.89, 0.0, 0.0)).size(), 1u);
}

}  // namespace
}  // namespace eisim
