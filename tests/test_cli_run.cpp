// What `eisim run` writes and prints: summary.json with its fields (printed on stdout too), spike and
// trace .npy files that NumPy can read and that agree with the summary; progress on stderr, ten lines
// when stderr is not a terminal; and on Ctrl-C, exit status 130 with what was simulated written.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "npy_reader.hpp"
#include "test_support.hpp"

namespace eisim {
namespace {

namespace fs = std::filesystem;
using test_support::CommandResult;
using test_support::NpyFile;
using test_support::quoted;
using test_support::read_npy;
using test_support::values;

using Cli = test_support::CommandLine;

std::string canonical_config_path() { return test_support::source_path("configs/balanced_eif.json"); }

TEST_F(Cli, RunWritesSummaryAndLoadableSpikes) {
  const fs::path dir = dir_ / "out";
  const CommandResult r =
      eisim("run " + quoted(canonical_config_path()) + " --set N=1000 --set T=400 --quiet --out " + quoted(dir.string()));
  ASSERT_EQ(r.status, 0) << r.output;
  std::ifstream summary_file(dir / "summary.json");
  const nlohmann::json summary = nlohmann::json::parse(summary_file);
  for (const char* key : {"backend", "t_sim_ms", "dt_ms", "build_s", "wall_s", "populations", "balanced_rates_hz"}) {
    EXPECT_TRUE(summary.contains(key)) << key;
  }
  EXPECT_EQ(nlohmann::json::parse(r.output), summary) << "stdout is not summary.json";  // --quiet: nothing else
  EXPECT_EQ(summary["backend"], "cpu");
  EXPECT_DOUBLE_EQ(summary["t_sim_ms"].get<double>(), 400.0);
  const auto& E = summary["populations"]["E"];
  EXPECT_EQ(E["n"], 800);
  for (const char* key : {"rate_hz", "cv_isi", "fano"}) EXPECT_TRUE(E[key].is_number()) << key;
  // The CPU delivers along rows: 4 bytes a target, and 8 per row start (800 rows of about 80 synapses).
  EXPECT_EQ(summary["delivery"]["E->E"]["layout"], "rows");
  EXPECT_GT(summary["delivery"]["E->E"]["bytes_per_synapse"].get<double>(), 4.08);
  EXPECT_LT(summary["delivery"]["E->E"]["bytes_per_synapse"].get<double>(), 4.12);

  const NpyFile times = read_npy(dir / "E_spike_times.npy");
  const NpyFile ids = read_npy(dir / "E_spike_ids.npy");
  EXPECT_EQ(times.descr, "<f8");
  EXPECT_EQ(ids.descr, "<i4");
  ASSERT_EQ(times.shape, ids.shape);
  EXPECT_EQ(times.shape.at(0), E["spikes"].get<size_t>());
  const auto t = values<double>(times);
  const auto id = values<int32_t>(ids);
  for (size_t k = 0; k < t.size(); ++k) {
    ASSERT_GT(t[k], 0.0);
    ASSERT_LE(t[k], 400.0);
    ASSERT_TRUE(id[k] >= 0 && id[k] < 800);
    if (k > 0) {
      ASSERT_GE(t[k], t[k - 1]);
    }
  }
  // Recorded traces: 3 neurons every 10 steps, V and one current per incoming projection.
  const NpyFile V = read_npy(dir / "E_trace_V.npy");
  EXPECT_EQ(V.shape, (std::vector<size_t>{400, 3}));
  EXPECT_EQ(read_npy(dir / "E_trace_I_X.npy").shape, V.shape);
}

TEST_F(Cli, CtrlCEndsTheRunAndKeepsWhatWasSimulated) {
  const fs::path dir = dir_ / "out";
  // The run would take minutes; SIGINT once its output folder exists (the handler is set by then).
  // The script's exit status is eisim's.
  const std::string script = test_support::eisim_command("run " + quoted(canonical_config_path()) +
                                                         " --set N=2000 --set T=10000000 --quiet --out " +
                                                         quoted(dir.string())) +
                             " > /dev/null & pid=$!; while [ ! -d " + quoted(dir.string()) +
                             " ]; do sleep 0.05; done; sleep 0.2; kill -INT $pid; wait $pid";
  const CommandResult r = test_support::run_command("timeout 120 sh -c " + quoted(script));
  // 130 is also what sh reports for a process SIGINT killed: the message and the summary tell them apart.
  test_support::expect_clean_failure(r, 130, {"interrupted"});
  std::ifstream summary_file(dir / "summary.json");
  ASSERT_TRUE(summary_file.good()) << "no summary after Ctrl-C";
  const nlohmann::json summary = nlohmann::json::parse(summary_file);
  EXPECT_EQ(summary["interrupted"], true);
  EXPECT_LT(summary["t_sim_ms"].get<double>(), 1e7);
  EXPECT_EQ(read_npy(dir / "E_spike_times.npy").shape.at(0), summary["populations"]["E"]["spikes"].get<size_t>());
}

TEST_F(Cli, ProgressInALogIsTenLinesWithRates) {
  const fs::path dir = dir_ / "out";
  // stdout to /dev/null: what is captured is stderr, a pipe here, not a terminal.
  const CommandResult r = eisim("run " + quoted(canonical_config_path()) +
                                " --set N=1000 --set T=500 --set burn_in=0 --out " + quoted(dir.string()) + " > /dev/null");
  ASSERT_EQ(r.status, 0) << r.output;
  std::istringstream in(r.output);
  std::string line;
  int progress = 0, building = 0, built = 0;
  while (std::getline(in, line)) {
    building += line.rfind("building the network: 1200 neurons, about 1.2e+05 synapses", 0) == 0;
    built += line.rfind("built in ", 0) == 0 && line.find(" synapses") != std::string::npos;
    if (line.rfind("t = ", 0) != 0) continue;
    ++progress;
    EXPECT_NE(line.find("s per simulated s"), std::string::npos) << line;
    EXPECT_NE(line.find(" E "), std::string::npos) << line;
  }
  EXPECT_EQ(progress, 10) << r.output;  // stderr is not a terminal
  EXPECT_EQ(building, 1);  // N = 1000: E, I, X (1200) onto E and I (1000) with p = 0.1
  EXPECT_EQ(built, 1);
}

}  // namespace
}  // namespace eisim
