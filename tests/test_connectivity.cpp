// The connection rules build what they promise: Erdős–Rényi in-degrees are binomial, fixed in-degree
// gives every neuron K distinct inputs, all-to-all and p = 1 connect every pair and p = 0 none; rows
// are sorted, and the synapses do not depend on how many threads built them.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "eisim/engine/config.hpp"
#include "eisim/engine/network.hpp"
#include "test_support.hpp"

namespace eisim {
namespace {

NetworkSpec two_populations(const std::string& rule) {
  return parse_network_spec(R"({
    "simulation": {"dt": 0.1, "T": 1},
    "populations": [{"name": "A", "model": "poisson", "size": 3000, "rate_hz": 1},
                    {"name": "B", "model": "eif", "size": 2000}],
    "projections": [{"pre": "A", "post": "B", )" + rule + R"(, "weight": 1, "tau_syn": 5}]})");
}

std::vector<int64_t> in_degrees(const Connectivity& c, int64_t n_post) {
  std::vector<int64_t> degree(n_post, 0);
  for (uint32_t target : c.targets) ++degree[target];
  return degree;
}

TEST(Connectivity, ErdosRenyiInDegreesAreBinomial) {
  const double p = 0.1;
  const NetworkSpec spec = two_populations(R"("p": 0.1)");
  const Network net = build_network(spec, 2);
  const auto degree = in_degrees(net.projections[0], 2000);
  double mean = 0, var = 0;
  for (int64_t d : degree) mean += d;
  mean /= 2000.0;
  for (int64_t d : degree) var += (d - mean) * (d - mean);
  var /= 1999.0;
  const double expected_mean = 3000 * p, expected_var = 3000 * p * (1 - p);
  EXPECT_NEAR(mean, expected_mean, 4 * std::sqrt(expected_var / 2000.0));
  EXPECT_NEAR(var / expected_var, 1.0, 0.15);  // sd of a sample variance over 2000 neurons: 3%
  for (size_t k = 0; k + 1 < net.projections[0].row_start.size(); ++k) {
    const auto& c = net.projections[0];
    for (uint64_t s = c.row_start[k] + 1; s < c.row_start[k + 1]; ++s) ASSERT_LT(c.targets[s - 1], c.targets[s]);
  }
}

TEST(Connectivity, FixedInDegreeGivesEveryNeuronKDistinctInputs) {
  const NetworkSpec spec = two_populations(R"("rule": "fixed_indegree", "K": 250)");
  const Network net = build_network(spec, 2);
  for (int64_t d : in_degrees(net.projections[0], 2000)) ASSERT_EQ(d, 250);
  const auto& c = net.projections[0];
  for (size_t k = 0; k + 1 < c.row_start.size(); ++k) {  // distinct inputs: no repeated target in a row
    for (uint64_t s = c.row_start[k] + 1; s < c.row_start[k + 1]; ++s) ASSERT_LT(c.targets[s - 1], c.targets[s]);
  }
  // Each presynaptic neuron is chosen with probability K / N_pre: out-degrees average 2000 * 250 / 3000.
  EXPECT_NEAR(static_cast<double>(c.synapse_count()) / 3000.0, 2000.0 * 250.0 / 3000.0, 1e-9);
}

TEST(Connectivity, AllToAllAndProbabilityOneConnectEveryPairAndProbabilityZeroNone) {
  EXPECT_EQ(build_network(two_populations(R"("rule": "all_to_all")"), 1).synapse_count(), 3000u * 2000u);
  EXPECT_EQ(build_network(two_populations(R"("p": 1)"), 1).synapse_count(), 3000u * 2000u);
  EXPECT_EQ(build_network(two_populations(R"("p": 0)"), 1).synapse_count(), 0u);
}

TEST(Connectivity, DoesNotDependOnTheThreadCount) {
  const NetworkSpec spec = two_populations(R"("p": 0.05)");
  const Network one = build_network(spec, 1), two = build_network(spec, 2), five = build_network(spec, 5);
  EXPECT_EQ(one.projections[0].targets, two.projections[0].targets);
  EXPECT_EQ(one.projections[0].row_start, two.projections[0].row_start);
  EXPECT_EQ(one.projections[0].targets, five.projections[0].targets);
}

}  // namespace
}  // namespace eisim
