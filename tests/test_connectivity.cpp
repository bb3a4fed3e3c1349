// The connection rules build what they promise: Erdős–Rényi in-degrees are binomial, fixed in-degree
// gives every neuron K distinct inputs, a fixed total number draws that many pairs with replacement,
// all-to-all and p = 1 connect every pair and p = 0 none; rows are sorted, and the synapses do not
// depend on how many threads or ranks built them.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "eisim/engine/config.hpp"
#include "eisim/engine/network.hpp"
#include "eisim/model/binomial.hpp"
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

// fixed_total_number: exactly that many synapses, each pair drawn uniformly with replacement, so the
// in-degrees are multinomial (mean and variance N/n_post (1 - 1/n_post)), the out-degrees too, and pairs
// repeat as often as chance says (multapses). B has 2000 neurons: two blocks of the split, one partial.
TEST(Connectivity, FixedTotalNumberDrawsThatManyPairsUniformlyWithReplacement) {
  const double total = 600000, n_pre = 3000, n_post = 2000;
  const Connectivity c = build_network(two_populations(R"("rule": "fixed_total_number", "synapses": 600000)"), 2).projections[0];
  ASSERT_EQ(c.synapse_count(), 600000u);
  const auto moments = [](const std::vector<int64_t>& degree) {
    double mean = 0, var = 0;
    for (int64_t d : degree) mean += static_cast<double>(d);
    mean /= static_cast<double>(degree.size());
    for (int64_t d : degree) var += (static_cast<double>(d) - mean) * (static_cast<double>(d) - mean);
    return std::make_pair(mean, var / static_cast<double>(degree.size() - 1));
  };
  const auto [in_mean, in_var] = moments(in_degrees(c, 2000));
  EXPECT_DOUBLE_EQ(in_mean, total / n_post);
  EXPECT_NEAR(in_var / (total / n_post * (1 - 1 / n_post)), 1.0, 0.15);  // sd of a sample variance: 3%
  std::vector<int64_t> out(3000);
  int64_t in_first_block = 0, repeats = 0;
  for (size_t k = 0; k < 3000; ++k) {
    out[k] = static_cast<int64_t>(c.row_start[k + 1] - c.row_start[k]);
    for (uint64_t s = c.row_start[k]; s < c.row_start[k + 1]; ++s) {
      in_first_block += c.targets[s] < 1024;
      if (s > c.row_start[k]) {
        ASSERT_LE(c.targets[s - 1], c.targets[s]);
        repeats += c.targets[s - 1] == c.targets[s];
      }
    }
  }
  const auto [out_mean, out_var] = moments(out);
  EXPECT_NEAR(out_var / (total / n_pre * (1 - 1 / n_pre)), 1.0, 0.15);
  // The split among blocks is binomial: 1024 of 2000 neurons, sd 387 synapses.
  EXPECT_NEAR(static_cast<double>(in_first_block), total * 1024 / n_post, 5 * std::sqrt(total * 0.512 * 0.488));
  // A pair holds Poisson(total / pairs = 0.1) synapses: a repeat beyond the first, 0.1 - (1 - e^-0.1) per pair.
  const double pairs = n_pre * n_post, expected_repeats = pairs * (0.1 - (1 - std::exp(-0.1)));
  EXPECT_NEAR(static_cast<double>(repeats), expected_repeats, 5 * std::sqrt(expected_repeats));
}

TEST(Connectivity, FixedTotalNumberIsTheSameOnAnyNumberOfRanks) {
  const NetworkSpec spec = two_populations(R"("rule": "fixed_total_number", "synapses": 300000)");
  const Connectivity whole = build_network(spec, 1).projections[0];
  std::vector<std::vector<uint32_t>> rows(3000);  // targets of each row, gathered from every rank
  for (int rank = 0; rank < 3; ++rank) {
    const Partition share = partition(spec, rank, 3);
    const Connectivity part = build_network(spec, 2, {}, &share).projections[0];
    for (size_t k = 0; k < 3000; ++k) {
      for (uint64_t s = part.row_start[k]; s < part.row_start[k + 1]; ++s) {
        rows[k].push_back(static_cast<uint32_t>(part.targets[s] + share.populations[1].begin));
      }
    }
  }
  for (size_t k = 0; k < 3000; ++k) {
    ASSERT_EQ(rows[k], std::vector<uint32_t>(whole.targets.begin() + whole.row_start[k],
                                             whole.targets.begin() + whole.row_start[k + 1]))
        << "row " << k;
  }
}

// The binomial sampler behind the split: mean n p and variance n p (1 - p), through its recursion
// (n > 16) and its Bernoulli trials.
TEST(Connectivity, BinomialDrawsHaveTheBinomialMoments) {
  for (const auto& [n, p] : std::vector<std::pair<uint64_t, double>>{{10, 0.3}, {1000, 0.5}, {1000000, 0.02},
                                                                     {3000000000ull, 0.7}}) {
    double sum = 0, sum2 = 0;
    const int draws = 20000;
    for (int k = 0; k < draws; ++k) {
      CounterUniforms u(7, 99, static_cast<uint32_t>(k));
      const double x = static_cast<double>(binomial_variate(n, p, u));
      sum += x;
      sum2 += x * x;
    }
    const double mean = sum / draws, var = sum2 / draws - mean * mean, expected_var = n * p * (1 - p);
    EXPECT_NEAR(mean, n * p, 5 * std::sqrt(expected_var / draws)) << n << ", " << p;
    EXPECT_NEAR(var / expected_var, 1.0, 5 * std::sqrt(2.0 / draws)) << n << ", " << p;
  }
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
