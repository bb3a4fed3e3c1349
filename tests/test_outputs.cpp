// What `eisim run` writes: summary.json fields and .npy files that NumPy can read.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "eisim/errors.hpp"
#include "eisim/engine/npy.hpp"
#include "eisim/engine/simulation.hpp"
#include "eisim/cli/summary.hpp"
#include "test_support.hpp"

namespace eisim {
namespace {

namespace fs = std::filesystem;

struct NpyFile {
  std::string descr;
  std::vector<size_t> shape;
  std::vector<char> data;
};

// Reads a version 1.0 .npy file as the format specifies it (NumPy's own documentation).
NpyFile read_npy(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_GE(bytes.size(), 10u);
  EXPECT_EQ(std::string(bytes.begin() + 1, bytes.begin() + 6), "NUMPY");
  const size_t header_len = static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
  EXPECT_EQ((10 + header_len) % 64, 0u);
  const std::string header(bytes.begin() + 10, bytes.begin() + 10 + header_len);
  NpyFile out;
  const size_t d = header.find("'descr': '") + 10;
  out.descr = header.substr(d, header.find('\'', d) - d);
  std::stringstream shape(header.substr(header.find('(') + 1, header.find(')') - header.find('(') - 1));
  std::string item;
  while (std::getline(shape, item, ',')) {
    if (item.find_first_not_of(' ') != std::string::npos) out.shape.push_back(std::stoul(item));
  }
  out.data.assign(bytes.begin() + 10 + header_len, bytes.end());
  return out;
}

template <typename T>
std::vector<T> values(const NpyFile& f) {
  std::vector<T> v(f.data.size() / sizeof(T));
  std::memcpy(v.data(), f.data.data(), v.size() * sizeof(T));
  return v;
}

TEST(Npy, StreamedArraysHaveTheirFinalShape) {
  const fs::path dir = fs::temp_directory_path() / "eisim_npy_test";
  fs::create_directories(dir);
  {
    NpyWriter w = NpyWriter::of<float>((dir / "m.npy").string(), 3);
    const float row[6] = {1, 2, 3, 4, 5, 6};
    w.append(row, 3);
    w.append(row + 3, 3);
    w.close();
  }
  const NpyFile m = read_npy(dir / "m.npy");
  EXPECT_EQ(m.descr, "<f4");
  EXPECT_EQ(m.shape, (std::vector<size_t>{2, 3}));
  EXPECT_EQ(values<float>(m), (std::vector<float>{1, 2, 3, 4, 5, 6}));
  fs::remove_all(dir);
}

TEST(Cli, RunWritesSummaryAndLoadableSpikes) {
  const fs::path dir = fs::temp_directory_path() / "eisim_cli_output_test";
  fs::remove_all(dir);
  const std::string command = std::string(EISIM_BINARY) + " run " + test_support::source_path("configs/balanced_eif.json") +
                              " --set N=1000 --set T=400 --quiet --out " + dir.string() + " > " +
                              (dir.string() + ".stdout");
  ASSERT_EQ(std::system(command.c_str()), 0);
  std::ifstream summary_file(dir / "summary.json");
  const nlohmann::json summary = nlohmann::json::parse(summary_file);
  for (const char* key : {"backend", "t_sim_ms", "dt_ms", "build_s", "wall_s", "populations", "balanced_rates_hz"}) {
    EXPECT_TRUE(summary.contains(key)) << key;
  }
  EXPECT_EQ(summary["backend"], "cpu");
  EXPECT_DOUBLE_EQ(summary["t_sim_ms"].get<double>(), 400.0);
  const auto& E = summary["populations"]["E"];
  EXPECT_EQ(E["n"], 800);
  for (const char* key : {"rate_hz", "cv_isi", "fano"}) EXPECT_TRUE(E[key].is_number()) << key;

  const NpyFile times = read_npy(dir / "E_spike_times.npy");
  const NpyFile ids = read_npy(dir / "E_spike_ids.npy");
  EXPECT_EQ(times.descr, "<f8");
  EXPECT_EQ(ids.descr, "<i4");
  ASSERT_EQ(times.shape, ids.shape);
  EXPECT_EQ(times.shape[0], E["spikes"].get<size_t>());
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
  fs::remove_all(dir);
  fs::remove(dir.string() + ".stdout");
}

// A run stopped after 2500 of 5000 steps (as Ctrl-C stops `eisim run`): the files hold those
// steps, and the statistics cover them, recomputed here from the files by their definitions.
TEST(RunLoop, AStoppedRunWritesAndReportsWhatItSimulated) {
  const fs::path dir = fs::temp_directory_path() / "eisim_stopped_run_test";
  fs::remove_all(dir);
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
  fs::remove_all(dir);
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

TEST(Cli, CtrlCEndsTheRunAndKeepsWhatWasSimulated) {
  const fs::path dir = fs::temp_directory_path() / "eisim_cli_interrupt_test";
  fs::remove_all(dir);
  // The run would take minutes; SIGINT once its output folder exists (the handler is set by then).
  const std::string script = "(" + std::string(EISIM_BINARY) + " run " +
                             test_support::source_path("configs/balanced_eif.json") +
                             " --set N=2000 --set T=10000000 --quiet --out " + dir.string() + " > /dev/null & pid=$!; " +
                             "while [ ! -d " + dir.string() + " ]; do sleep 0.05; done; sleep 0.2; kill -INT $pid; " +
                             "wait $pid; echo $? > " + dir.string() + ".status)";
  ASSERT_EQ(std::system(("timeout 120 sh -c '" + script + "'").c_str()), 0);
  std::ifstream status_file(dir.string() + ".status");
  int status = -1;
  status_file >> status;
  EXPECT_EQ(status, 130);
  std::ifstream summary_file(dir / "summary.json");
  ASSERT_TRUE(summary_file.good()) << "no summary after Ctrl-C";
  const nlohmann::json summary = nlohmann::json::parse(summary_file);
  EXPECT_EQ(summary["interrupted"], true);
  EXPECT_LT(summary["t_sim_ms"].get<double>(), 1e7);
  EXPECT_EQ(read_npy(dir / "E_spike_times.npy").shape[0], summary["populations"]["E"]["spikes"].get<size_t>());
  fs::remove_all(dir);
  fs::remove(dir.string() + ".status");
}

}  // namespace
}  // namespace eisim

#include "eisim/theory/rnn_task.hpp"

namespace eisim {
namespace {

TEST(RnnTask, WritesOutputTargetAndErrorOfEveryStep) {
  const fs::path dir = fs::temp_directory_path() / "eisim_rnn_task_test";
  fs::remove_all(dir);
  RnnTask task;
  task.params.N = 50;
  task.t_ms = 300;
  task.learn_from_ms = 50;
  task.learn_until_ms = 200;
  const auto summary = run_rnn_task(task, dir.string());
  for (const char* name : {"t", "output", "target", "error"}) {
    const NpyFile f = read_npy(dir / (std::string("rnn_") + name + ".npy"));
    EXPECT_EQ(f.descr, "<f8");
    EXPECT_EQ(f.shape, (std::vector<size_t>{3000})) << name;
  }
  const auto z = values<double>(read_npy(dir / "rnn_output.npy"));
  const auto y = values<double>(read_npy(dir / "rnn_target.npy"));
  const auto e = values<double>(read_npy(dir / "rnn_error.npy"));
  for (size_t k = 0; k < e.size(); ++k) ASSERT_DOUBLE_EQ(e[k], z[k] - y[k]);
  EXPECT_TRUE(fs::exists(dir / "rnn_summary.json"));
  EXPECT_GT(summary["steps_per_s"].get<double>(), 0.0);
  EXPECT_THROW(learning_from_name("hebb"), ConfigError);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace eisim

#include "eisim/engine/config.hpp"
#include "eisim/theory/rate_model_task.hpp"

namespace eisim {
namespace {

TEST(RateModelTask, IntegratesTheConfigsRateModelToItsFixedPoint) {
  const fs::path dir = fs::temp_directory_path() / "eisim_rate_model_test";
  fs::remove_all(dir);
  const NetworkSpec spec = load_network_spec(test_support::source_path("configs/balanced_eif.json"));
  RateModelTask task;
  task.f = RectifiedLinear{2.86 / 1000.0, 10.75};
  task.t_ms = 300;
  const auto summary = run_rate_model(spec, task, dir.string());
  const NpyFile rates = read_npy(dir / "ratemodel_rates_hz.npy");
  EXPECT_EQ(rates.shape, (std::vector<size_t>{301, 2}));
  EXPECT_EQ(read_npy(dir / "ratemodel_t.npy").shape, (std::vector<size_t>{301}));
  // Stable (tau = tau_m = 15 ms for both): the trajectory ends at the Eq. 3.10 fixed point.
  for (size_t a = 0; a < 2; ++a) {
    EXPECT_NEAR(summary["final_rates_hz"][a].get<double>(), summary["fixed_point_hz"][a].get<double>(), 1e-6);
  }
  const auto r = values<double>(rates);
  EXPECT_DOUBLE_EQ(r[0], 0.0);  // starts from r = 0
  EXPECT_DOUBLE_EQ(r[r.size() - 2], summary["final_rates_hz"][0].get<double>());
  fs::remove_all(dir);
}

}  // namespace
}  // namespace eisim

namespace eisim {
namespace {

TEST(Cli, ProgressInALogIsTenLinesWithRates) {
  const fs::path dir = fs::temp_directory_path() / "eisim_progress_test";
  fs::remove_all(dir);
  const std::string log = dir.string() + ".log";
  const std::string command = std::string(EISIM_BINARY) + " run " + test_support::source_path("configs/balanced_eif.json") +
                              " --set N=1000 --set T=500 --set burn_in=0 --out " + dir.string() + " > /dev/null 2> " + log;
  ASSERT_EQ(std::system(command.c_str()), 0);
  std::ifstream in(log);
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
  EXPECT_EQ(progress, 10);  // stderr is a file here, not a terminal
  EXPECT_EQ(building, 1);  // N = 1000: E, I, X (1200) onto E and I (1000) with p = 0.1
  EXPECT_EQ(built, 1);
  fs::remove_all(dir);
  fs::remove(log);
}

}  // namespace
}  // namespace eisim
