// Connectivity statistics, reproducibility, and the canonical network against mean-field theory.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <memory>

#include "eisim/engine/config.hpp"
#include "eisim/theory/meanfield.hpp"
#include "eisim/errors.hpp"
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

TEST(Connectivity, AllToAllAndTheEdgeProbabilities) {
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

TEST(MeanField, CanonicalBalancedRatesAreTheBooks) {
  for (const char* n : {"N=5000", "N=100000"}) {
    const NetworkSpec spec = load_network_spec(test_support::source_path("configs/balanced_eif.json"), {n});
    const auto rates = balanced_state_rates(spec);
    ASSERT_TRUE(rates);
    EXPECT_NEAR(rates->rates_hz[0], 50.0 / 9.0, 1e-9);   // 5.56 Hz: -W^-1 W_x r_x (book Eq. 3.9)
    EXPECT_NEAR(rates->rates_hz[1], 125.0 / 9.0, 1e-9);  // 13.89 Hz
  }
}

using CanonicalNetwork = test_support::OnEachBackend;

TEST_P(CanonicalNetwork, RatesAreWithinTenPercentOfTheBalancedState) {
  const NetworkSpec spec = load_network_spec(test_support::source_path("configs/balanced_eif.json"));
  ASSERT_EQ(spec.total_neurons(), 6000);
  const RecordedRun result = run(spec);
  EXPECT_NEAR(result.report.populations[0].rate_hz, 50.0 / 9.0, 0.1 * 50.0 / 9.0);
  EXPECT_NEAR(result.report.populations[1].rate_hz, 125.0 / 9.0, 0.1 * 125.0 / 9.0);
  // Asynchronous-irregular state: irregular spiking, as the book's Fig. 3.3.
  ASSERT_TRUE(result.report.populations[0].cv_isi);
  EXPECT_GT(*result.report.populations[0].cv_isi, 0.7);
}

INSTANTIATE_TEST_SUITE_P(Backends, CanonicalNetwork, ::testing::Values("cpu", "cuda"), test_support::backend_name);

using BlockProtocol = test_support::OnEachBackend;

TEST_P(BlockProtocol, TwoBlocksMayBeOutstandingAndComeBackInOrder) {
  const NetworkSpec spec = load_network_spec(test_support::source_path("configs/balanced_eif.json"), {"N=1000", "T=40", "burn_in=0"});
  const Network net = build_network(spec, 1);
  auto overlapped = make_backend(parse_backend(GetParam()), spec, net, BackendOptions{});
  auto one_by_one = make_backend(parse_backend(GetParam()), spec, net, BackendOptions{});
  EXPECT_THROW(overlapped->collect(*std::make_unique<BlockOutput>()), InternalError);  // nothing started
  overlapped->start(0, 100);
  overlapped->start(100, 100);
  EXPECT_THROW(overlapped->start(200, 100), InternalError);
  size_t spikes = 0;
  for (int64_t first : {0, 100}) {
    BlockOutput a, b;
    a.reset(spec);
    b.reset(spec);
    overlapped->collect(a);
    one_by_one->advance(first, 100, b);
    for (size_t p = 0; p < spec.populations.size(); ++p) {
      EXPECT_EQ(a.spikes[p].step, b.spikes[p].step) << "block at " << first;
      EXPECT_EQ(a.spikes[p].neuron, b.spikes[p].neuron) << "block at " << first;
      if (!a.spikes[p].step.empty()) {
        EXPECT_GE(a.spikes[p].step.front(), first);
      }
      spikes += a.spikes[p].step.size();
    }
  }
  EXPECT_GT(spikes, 0u) << "nothing to compare";
  EXPECT_THROW(overlapped->collect(*std::make_unique<BlockOutput>()), InternalError);
}

INSTANTIATE_TEST_SUITE_P(Backends, BlockProtocol, ::testing::Values("cpu", "cuda"), test_support::backend_name);

TEST(Reproducibility, SameSeedSameSpikesOtherSeedOtherSpikes) {
  const std::string path = test_support::source_path("configs/balanced_eif.json");
  const std::vector<std::string> small{"N=2000", "T=300", "burn_in=100"};
  auto with_seed = [&](const std::string& seed) {
    std::vector<std::string> o = small;
    o.push_back("seed=" + seed);
    return test_support::run_collecting(load_network_spec(path, o));
  };
  const auto a = with_seed("7"), b = with_seed("7"), c = with_seed("8");
  for (size_t p = 0; p < a.spikes.size(); ++p) {
    ASSERT_FALSE(a.spikes[p].step.empty());
    EXPECT_EQ(a.spikes[p].step, b.spikes[p].step);
    EXPECT_EQ(a.spikes[p].neuron, b.spikes[p].neuron);
    EXPECT_NE(a.spikes[p].neuron, c.spikes[p].neuron);
  }
}

TEST(Configs, EveryShippedConfigLoadsAndRunsBriefly) {
  int seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(test_support::source_path("configs"))) {
    if (entry.path().extension() != ".json") continue;
    SCOPED_TRACE(entry.path().string());
    const NetworkSpec spec = load_network_spec(entry.path().string(), {"simulation.T=50", "simulation.burn_in=0"});
    const auto run = test_support::run_collecting(spec);
    EXPECT_EQ(run.report.populations.size(), spec.populations.size());
    ++seen;
  }
  EXPECT_GE(seen, 4);
}

}  // namespace
}  // namespace eisim

namespace eisim {
namespace {

TEST(Memory, ANetworkThatWillNotFitIsRefusedBeforeAnyWork) {
  // N = 10^7 at p = 0.1: 1.2·10^13 synapses, about 90 TiB of connectivity.
  const NetworkSpec spec =
      load_network_spec(test_support::source_path("configs/balanced_eif.json"), {"N=10000000"});
  const auto dir = std::filesystem::temp_directory_path() / "eisim_memory_test";
  std::filesystem::remove_all(dir);
  RunOptions options;
  options.out_dir = dir.string();
  try {
    run_simulation(spec, options);
    FAIL() << "expected the run to be refused";
  } catch (const RuntimeProblem& e) {
    EXPECT_NE(std::string(e.what()).find("will not fit in memory"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("available"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(dir));  // nothing written
}

}  // namespace
}  // namespace eisim
