// The run loop stopped early (as Ctrl-C stops `eisim run`) writes and reports exactly what it
// simulated: the files hold the steps run, the statistics and the summary cover them, and a run
// stopped before its burn-in ended has no rate.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

#include "eisim/cli/summary.hpp"
#include "eisim/engine/config.hpp"
#include "eisim/engine/simulation.hpp"
#include "npy_reader.hpp"
#include "test_support.hpp"

namespace eisim {
namespace {

using test_support::read_npy;
using test_support::values;

// A run stopped after 2500 of 5000 steps (as Ctrl-C stops `eisim run`): the files hold those
// steps, and the statistics cover them, recomputed here from the files by their definitions.
TEST(RunLoop, AStoppedRunWritesAndReportsWhatItSimulated) {
  const test_support::TempFolder folder;
  const auto dir = folder.path() / "out";
  NetworkSpec spec = load_network_spec(test_support::source_path("configs/balanced_eif.json"),
                                       {"N=1000", "T=500", "burn_in=20"});
  spec.recording.rate_window_ms = 40.0;
  std::atomic<bool> stop{false};
  RunOptions options;
  options.out_dir = dir.string();
  options.stop = &stop;
  int blocks = 0;
  // After the 24th block of 100 steps the 25th has started: it is the last.
  const RunReport report = run_simulation(spec, options, [&](const BlockOutput&) { stop = ++blocks == 24; });
  ASSERT_TRUE(report.interrupted);
  const double t_end = 250.0, burn_in = 20.0, dt = spec.simulation.dt_ms;
  ASSERT_DOUBLE_EQ(report.t_sim_ms, t_end);

  const std::vector<double> t = values<double>(read_npy(dir / "E_spike_times.npy"));
  const std::vector<int32_t> id = values<int32_t>(read_npy(dir / "E_spike_ids.npy"));
  ASSERT_EQ(t.size(), id.size());
  ASSERT_GT(t.size(), 500u);
  EXPECT_LE(*std::max_element(t.begin(), t.end()), t_end);
  EXPECT_GT(*std::max_element(t.begin(), t.end()), t_end - 10.0) << "the last block is missing";
  const PopulationStatistics& E = report.populations[0];
  EXPECT_EQ(E.spikes, t.size());
  const double n = 800;
  const auto after_burn_in = std::count_if(t.begin(), t.end(), [&](double x) { return x > burn_in; });
  EXPECT_NEAR(E.rate_hz, after_burn_in / (n * (t_end - burn_in) / 1000.0), 1e-9);
  // Rate windows of 40 ms from t = 0, by the step's start; the last, 240-250 ms, is 10 ms long.
  ASSERT_EQ(E.rate_hz_windows.size(), 7u);
  for (size_t w = 0; w < 7; ++w) {
    const double from = 40.0 * static_cast<double>(w), to = std::min(from + 40.0, t_end);
    const auto in = std::count_if(t.begin(), t.end(), [&](double x) { return x - dt >= from - 1e-9 && x - dt < to - 1e-9; });
    EXPECT_NEAR(E.rate_hz_windows[w], in / (n * (to - from) / 1000.0), 1e-9) << "window " << w;
  }
  // Fano factor over the two whole 100 ms windows after burn-in (20-120, 120-220 ms); 220-250 is unfinished.
  double fano_sum = 0;
  int fano_neurons = 0;
  for (int32_t j = 0; j < 800; ++j) {
    double c[2] = {0, 0};
    for (size_t k = 0; k < t.size(); ++k) {
      const double since = t[k] - burn_in;
      if (id[k] == j && since > 0 && since < 200.0) ++c[static_cast<int>(since / 100.0)];
    }
    if (c[0] + c[1] == 0) continue;
    const double mean = (c[0] + c[1]) / 2;
    fano_sum += ((c[0] - mean) * (c[0] - mean) + (c[1] - mean) * (c[1] - mean)) / mean;
    ++fano_neurons;
  }
  ASSERT_TRUE(E.fano.has_value());
  EXPECT_NEAR(*E.fano, fano_sum / fano_neurons, 1e-9);

  const nlohmann::json summary = nlohmann::json::parse(make_summary(spec, report, "test").dump());
  EXPECT_EQ(summary["interrupted"], true);
  EXPECT_DOUBLE_EQ(summary["t_sim_ms"].get<double>(), t_end);
  EXPECT_DOUBLE_EQ(summary["t_requested_ms"].get<double>(), 500.0);
}

TEST(RunLoop, ARunStoppedDuringBurnInHasNoRate) {
  NetworkSpec spec = load_network_spec(test_support::source_path("configs/balanced_eif.json"),
                                       {"N=1000", "T=500", "burn_in=100"});
  std::atomic<bool> stop{true};  // as if Ctrl-C came while the network was being built
  RunOptions options;
  options.stop = &stop;
  const RunReport report = run_simulation(spec, options);
  EXPECT_TRUE(report.interrupted);
  EXPECT_DOUBLE_EQ(report.t_sim_ms, 10.0);  // the one block started before the loop looked
  EXPECT_TRUE(std::isnan(report.populations[0].rate_hz));
  const nlohmann::json summary = nlohmann::json::parse(make_summary(spec, report, "test").dump());
  EXPECT_TRUE(summary["populations"]["E"]["rate_hz"].is_null());
}

}  // namespace
}  // namespace eisim
