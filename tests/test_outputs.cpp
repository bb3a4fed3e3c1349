// What `eisim run` writes: summary.json fields and .npy files that NumPy can read.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "eisim/errors.hpp"
#include "eisim/npy.hpp"
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

}  // namespace
}  // namespace eisim

#include "eisim/rnn_task.hpp"

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

#include "eisim/config.hpp"
#include "eisim/rate_model_task.hpp"

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
  int progress = 0;
  while (std::getline(in, line)) {
    if (line.rfind("t = ", 0) != 0) continue;
    ++progress;
    EXPECT_NE(line.find("s per simulated s"), std::string::npos) << line;
    EXPECT_NE(line.find(" E "), std::string::npos) << line;
  }
  EXPECT_EQ(progress, 10);  // stderr is a file here, not a terminal
  fs::remove_all(dir);
  fs::remove(log);
}

}  // namespace
}  // namespace eisim
