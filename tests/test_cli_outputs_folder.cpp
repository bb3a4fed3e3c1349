// The output folder of `eisim run` (src/engine/output_folder.cpp, src/engine/npy.cpp; docs/architecture.md,
// "Outputs"): a folder holding an earlier run's files is refused and left as it was, unless --overwrite
// is given, which removes eisim's own files from it (those the new run does not write too) and nothing
// else; and a run killed outright (SIGKILL, no handler runs) leaves .npy files that load, each holding
// at least what its header says.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "base_config.hpp"
#include "npy_reader.hpp"
#include "test_support.hpp"

namespace eisim {
namespace {

namespace fs = std::filesystem;
using test_support::CommandResult;
using test_support::Json;
using test_support::quoted;

std::string canonical_config_path() { return test_support::source_path("configs/balanced_eif.json"); }

std::string bytes_of(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Every file in `dir`, by name, with its bytes.
std::map<std::string, std::string> contents(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& entry : fs::directory_iterator(dir)) out[entry.path().filename().string()] = bytes_of(entry.path());
  return out;
}

using CliOutputFolder = test_support::CommandLine;

// The base config at T = 50 ms, recording the spikes of `populations`.
fs::path small_config(const std::string& name, const std::vector<std::string>& populations, const fs::path& dir) {
  const fs::path file = dir / name;
  std::ofstream(file) << test_support::modified([&](Json& c) {
    c["simulation"]["T"] = 50;
    c["recording"]["spikes"] = populations;
  });
  return file;
}

TEST_F(CliOutputFolder, ASecondRunIntoTheSameFolderIsRefusedAndLeavesTheFirstRunsFiles) {
  const fs::path config = small_config("exi.json", {"E", "I", "X"}, dir_);
  const fs::path out = dir_ / "out";
  const std::string args = "run " + quoted(config.string()) + " --quiet --out " + quoted(out.string());
  const CommandResult first = eisim(args + " > /dev/null");
  ASSERT_EQ(first.status, 0) << first.output;
  const auto before = contents(out);
  ASSERT_EQ(before.count("X_spike_times.npy"), 1u);
  ASSERT_EQ(before.count("summary.json"), 1u);

  const CommandResult second = eisim(args);
  test_support::expect_clean_failure(second, 2, {"--overwrite", "earlier run", out.string()});
  EXPECT_EQ(contents(out), before) << "the refused run changed the first run's files";
}

TEST_F(CliOutputFolder, OverwriteRemovesTheEarlierRunsFilesAndKeepsOthers) {
  const fs::path out = dir_ / "out";
  const fs::path with_x = small_config("exi.json", {"E", "I", "X"}, dir_);
  const fs::path without_x = small_config("ei.json", {"E", "I"}, dir_);
  const CommandResult first = eisim("run " + quoted(with_x.string()) + " --quiet --out " + quoted(out.string()) + " > /dev/null");
  ASSERT_EQ(first.status, 0) << first.output;
  ASSERT_TRUE(fs::exists(out / "X_spike_times.npy"));
  ASSERT_TRUE(fs::exists(out / "X_spike_ids.npy"));
  std::ofstream(out / "notes.txt") << "my notes on the first run\n";

  const CommandResult second =
      eisim("run " + quoted(without_x.string()) + " --quiet --overwrite --out " + quoted(out.string()) + " > /dev/null");
  ASSERT_EQ(second.status, 0) << second.output;
  // The earlier run's X spikes would sit beside a summary of a run that did not record them.
  EXPECT_FALSE(fs::exists(out / "X_spike_times.npy"));
  EXPECT_FALSE(fs::exists(out / "X_spike_ids.npy"));
  EXPECT_TRUE(fs::exists(out / "E_spike_times.npy"));
  EXPECT_EQ(bytes_of(out / "notes.txt"), "my notes on the first run\n");
  EXPECT_NE(bytes_of(out / "summary.json").find("ei.json"), std::string::npos) << "the summary is not the new run's";
}

TEST_F(CliOutputFolder, ARunKilledOutrightLeavesLoadableSpikeFiles) {
  const fs::path out = dir_ / "out";
  const fs::path times = out / "E_spike_times.npy";
  // The run would take hours: SIGKILL once E's spike times hold more than 8 kB.
  const std::string script = test_support::eisim_command("run " + quoted(canonical_config_path()) +
                                                         " --set N=2000 --set T=10000000 --quiet --out " +
                                                         quoted(out.string())) +
                             " > /dev/null & pid=$!; while [ \"$(stat -c %s " + quoted(times.string()) +
                             " 2> /dev/null || echo 0)\" -lt 8192 ]; do sleep 0.05; done; kill -9 $pid; wait $pid";
  const CommandResult r = test_support::run_command("timeout 120 sh -c " + quoted(script));
  EXPECT_EQ(r.status, 128 + 9) << "not killed by SIGKILL: " << r.output;

  const test_support::NpyFile t = test_support::read_npy(times);
  const test_support::NpyFile ids = test_support::read_npy(out / "E_spike_ids.npy");
  EXPECT_EQ(t.descr, "<f8");
  EXPECT_EQ(ids.descr, "<i4");
  ASSERT_EQ(t.shape.size(), 1u);
  ASSERT_EQ(ids.shape.size(), 1u);
  const size_t n = t.shape[0], m = ids.shape[0];
  EXPECT_GT(n, 0u);
  EXPECT_GT(m, 0u);
  // At least what the header counts (the 128-byte header, then the data), perhaps more (a block under way).
  EXPECT_GE(t.data.size(), 8 * n);
  EXPECT_GE(ids.data.size(), 4 * m);
  EXPECT_GE(fs::file_size(times), 128 + 8 * n);
  EXPECT_GE(fs::file_size(out / "E_spike_ids.npy"), 128 + 4 * m);
  const std::vector<double> tv = test_support::values<double>(t);
  const std::vector<int32_t> iv = test_support::values<int32_t>(ids);
  for (size_t k = 0; k < n && k < tv.size(); ++k) {
    ASSERT_GT(tv[k], 0.0) << k;
    if (k > 0) {
      ASSERT_GE(tv[k], tv[k - 1]) << k;
    }
  }
  for (size_t k = 0; k < m && k < iv.size(); ++k) {
    ASSERT_GE(iv[k], 0) << k;
    ASSERT_LT(iv[k], 1600) << k;  // E has 0.8 N = 1600 neurons
  }
}

}  // namespace
}  // namespace eisim
