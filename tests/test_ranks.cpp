// eisim run on several MPI ranks (docs/architecture.md, "Running on several ranks"), launched with
// mpirun as a user would: the same files as one process of the CPU backend, byte for byte, on 1, 2 and
// 3 ranks of either backend (the CUDA backend of an eisim built against the emulated runtime); the
// canonical network's balanced rates; and every failure stops every rank, none hangs.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "test_support.hpp"

namespace eisim {
namespace {

using test_support::CommandResult;
using test_support::quoted;
using test_support::run_command;

// mpirun, allowed to run as root (CI does) and to place more ranks than cores (CI has 2). In the
// sanitized build LeakSanitizer would report what Open MPI keeps until exit; eisim's own code is
// checked for leaks by the single-process tests, through the same code paths (one rank).
std::string mpirun(int ranks) {
  return "ASAN_OPTIONS=detect_leaks=0 " + std::string(EISIM_MPIRUN) + " --allow-run-as-root --oversubscribe -np " +
         std::to_string(ranks) + " ";
}

std::map<std::string, std::string> npy_files(const std::filesystem::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".npy") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    files[entry.path().filename().string()] = std::string(std::istreambuf_iterator<char>(in), {});
  }
  return files;
}

// A clean stop of every rank: the status, the words, and no sign of a crash. (mpirun's own notice
// that a rank "terminated" with a non-zero status is expected.)
void expect_clean_stop(const CommandResult& r, int status, std::initializer_list<std::string> words) {
  EXPECT_EQ(r.status, status) << "output:\n" << r.output;
  for (const auto& w : words) {
    EXPECT_NE(r.output.find(w), std::string::npos) << "the output does not contain \"" << w << "\":\n" << r.output;
  }
  for (const char* crash : {"terminate called", "Segmentation", "core dumped", "AddressSanitizer", "runtime error:",
                            "MPI_ABORT"}) {
    EXPECT_EQ(r.output.find(crash), std::string::npos) << "the output looks like a crash:\n" << r.output;
  }
}

nlohmann::json summary_of(const std::filesystem::path& dir) {
  std::ifstream in(dir / "summary.json");
  return nlohmann::json::parse(in);
}

// The eisim that runs the CPU backend, or the one whose CUDA backend runs on the emulated runtime.
enum class Engine { cpu, emulated_gpu };

class Ranks : public test_support::CommandLine {
 protected:
  // `eisim run` of a shipped config on `ranks` ranks (0: one process without mpirun), into dir_/name.
  CommandResult run_on(int ranks, const std::string& config, const std::string& sets, const std::string& name,
                       Engine engine = Engine::cpu) const {
    const std::string binary = engine == Engine::cpu ? EISIM_BINARY : EISIM_EMULATED_GPU_BINARY;
    const std::string args = "run " + quoted(test_support::source_path(config)) + " " + sets +
                             (engine == Engine::cpu ? "" : " --backend cuda") + " --quiet --out " +
                             quoted((dir_ / name).string());
    return run_command((ranks > 0 ? mpirun(ranks) : std::string()) + quoted(binary) + " " + args + " >/dev/null");
  }

  // The outputs of one process of the CPU backend, and of 1, 2 and 3 ranks: the same files, byte for
  // byte, the ranks exchanging spikes every `exchange_every` steps (the network's shortest delay).
  void expect_same_files_on_any_number_of_ranks(const std::string& config, const std::string& sets,
                                                Engine engine, int exchange_every) const {
    ASSERT_EQ(run_on(0, config, sets, "alone").status, 0);
    const auto alone = npy_files(dir_ / "alone");
    ASSERT_GE(alone.size(), 4u);
    for (int ranks = 1; ranks <= 3; ++ranks) {
      const std::string name = "ranks" + std::to_string(ranks);
      const CommandResult r = run_on(ranks, config, sets, name, engine);
      ASSERT_EQ(r.status, 0) << r.output;
      const auto files = npy_files(dir_ / name);
      ASSERT_EQ(files.size(), alone.size()) << ranks << " ranks";
      for (const auto& [file, bytes] : alone) {
        ASSERT_TRUE(files.count(file)) << file << " missing on " << ranks << " ranks";
        EXPECT_TRUE(files.at(file) == bytes) << file << " differs on " << ranks << " ranks";
      }
      const nlohmann::json summary = summary_of(dir_ / name);
      EXPECT_EQ(summary["ranks"], ranks);
      EXPECT_EQ(summary["exchange_every_steps"], exchange_every);
      EXPECT_EQ(summary["rank_seconds"].size(), static_cast<size_t>(ranks));
      EXPECT_EQ(summary["synapses"], summary_of(dir_ / "alone")["synapses"]);
    }
  }
};

// Spikes of every population, and traces of V and of each synaptic current (neurons on every rank);
// with drawn weights and a refractory period on some projections and populations, and constant delays
// of 3 steps or more, so that the ranks exchange every 3 steps (the block of 100 steps ending a run
// of steps early).
constexpr const char* kCanonical = "configs/balanced_eif.json";
constexpr const char* kCanonicalSets =
    "--set N=1500 --set T=300 --set 'projections.E->E.delay=1.5' --set 'projections.I->E.delay=0.5' "
    "--set 'projections.X->E.delay=0.7' --set 'projections.E->I.delay=0.3' --set 'projections.I->I.delay=0.4' "
    "--set 'projections.X->I.delay=0.3' --set 'projections.E->I.weight_sd=20' --set populations.I.t_ref=1.5";
// Plastic weights: the sampled synapses, their weights (drawn to start with) and the mean, with
// presynaptic traces of neurons on other ranks, and a delay on the plastic projection.
constexpr const char* kPlastic = "configs/plasticity_eif.json";
constexpr const char* kPlasticSets =
    "--set N=1500 --set T=300 --set burn_in=0 --set 'projections.I->E.weight_sd=10' --set 'projections.I->E.delay=0.8'";

TEST_F(Ranks, CanonicalNetworkGivesTheSameSpikesAndTracesOnOneToThreeCpuRanks) {
  expect_same_files_on_any_number_of_ranks(kCanonical, kCanonicalSets, Engine::cpu, 3);
}

TEST_F(Ranks, PlasticNetworkGivesTheSameWeightsOnOneToThreeCpuRanks) {
  expect_same_files_on_any_number_of_ranks(kPlastic, kPlasticSets, Engine::cpu, 1);
}

// GPU ranks, each with its own (emulated) GPU, against one process of the CPU backend.
TEST_F(Ranks, CanonicalNetworkGivesTheSameSpikesAndTracesOnOneToThreeGpuRanks) {
  expect_same_files_on_any_number_of_ranks(kCanonical, kCanonicalSets, Engine::emulated_gpu, 3);
}

TEST_F(Ranks, PlasticNetworkGivesTheSameWeightsOnOneToThreeGpuRanks) {
  expect_same_files_on_any_number_of_ranks(kPlastic, kPlasticSets, Engine::emulated_gpu, 1);
}

// The cortical microcircuit scaled down: fixed total numbers drawn per block of the slice (on the host
// for CPU ranks, on the GPU for GPU ranks), drawn weights and delays, Poisson inputs keyed by the
// neuron, exact integration and refractoriness.
constexpr const char* kMicrocircuit = "configs/microcircuit.json";
constexpr const char* kMicrocircuitSets = "--set scale=0.02 --set T=100 --set burn_in=0";

TEST_F(Ranks, MicrocircuitGivesTheSameSpikesOnOneToThreeCpuRanks) {
  expect_same_files_on_any_number_of_ranks(kMicrocircuit, kMicrocircuitSets, Engine::cpu, 1);
}

TEST_F(Ranks, MicrocircuitGivesTheSameSpikesOnOneToThreeGpuRanks) {
  expect_same_files_on_any_number_of_ranks(kMicrocircuit, kMicrocircuitSets, Engine::emulated_gpu, 1);
}

// The book's canonical network (Fig. 3.3) on 2 ranks is in the balanced state: rates within 10% of
// -W^-1 W_x r_x = 50/9 and 125/9 Hz, irregular spiking.
TEST_F(Ranks, CanonicalNetworkOnTwoRanksIsInTheBalancedState) {
  ASSERT_EQ(run_on(2, "configs/balanced_eif.json", "", "two").status, 0);
  const nlohmann::json pops = summary_of(dir_ / "two")["populations"];
  EXPECT_NEAR(pops["E"]["rate_hz"].get<double>(), 50.0 / 9.0, 0.1 * 50.0 / 9.0);
  EXPECT_NEAR(pops["I"]["rate_hz"].get<double>(), 125.0 / 9.0, 0.1 * 125.0 / 9.0);
  EXPECT_GT(pops["E"]["cv_isi"].get<double>(), 0.7);
}

// A config error on one rank only (mpirun's : gives each rank its own command line): every rank
// stops before any work, with the error of the rank that met it.
TEST_F(Ranks, ConfigErrorOnOneRankStopsEveryRank) {
  const std::string config = quoted(test_support::source_path("configs/balanced_eif.json"));
  const std::string out = " --quiet --out " + quoted((dir_ / "out").string());
  const CommandResult r = run_command(mpirun(1) + test_support::eisim_command("run " + config + out) + " : -np 1 " +
                                      test_support::eisim_command("run " + config + " --set dt=-1" + out));
  expect_clean_stop(r, 2, {"rank 1", "dt"});
  EXPECT_FALSE(std::filesystem::exists(dir_ / "out" / "summary.json"));
}

TEST_F(Ranks, RanksGivenDifferentNetworksAreRefused) {
  const std::string config = quoted(test_support::source_path("configs/balanced_eif.json"));
  const std::string out = " --quiet --out " + quoted((dir_ / "out").string());
  const CommandResult r = run_command(mpirun(1) + test_support::eisim_command("run " + config + out) + " : -np 1 " +
                                      test_support::eisim_command("run " + config + " --set N=4000" + out));
  expect_clean_stop(r, 2, {"rank 1 was given a different config"});
}

TEST_F(Ranks, CommandsOtherThanRunAreRefusedOnSeveralRanks) {
  const CommandResult r =
      run_command(mpirun(2) + test_support::eisim_command(
                                  "compare " + quoted(test_support::source_path("configs/balanced_eif.json"))));
  expect_clean_stop(r, 2, {"runs in one process"});
}

// A failure mid-run on some ranks (plasticity drives a weight out of range on those that hold it): they
// end every rank at once (MPI_Abort) with the status and message of one process.
TEST_F(Ranks, FailureMidRunEndsEveryRankWithItsStatus) {
  const auto start = std::chrono::steady_clock::now();
  const CommandResult r = run_on(2, kPlastic, "--set N=1500 --set T=100000 --set burn_in=0 --set eta=1e9", "out");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.status, 3) << r.output;
  EXPECT_NE(r.output.find("plasticity drove a weight"), std::string::npos) << r.output;
  EXPECT_LT(seconds, 60.0) << "the run outlived its failure by a long time";
}

// A rank killed mid-run (EISIM_TEST_KILL_RANK, after its first block): the others end within
// seconds rather than wait forever for its spikes.
TEST_F(Ranks, KilledRankEndsEveryRankWithinSeconds) {
  const auto start = std::chrono::steady_clock::now();
  const CommandResult r =
      run_command(mpirun(2) + "-x EISIM_TEST_KILL_RANK=1 " +
                  test_support::eisim_command("run " + quoted(test_support::source_path("configs/balanced_eif.json")) +
                                              " --set N=1000 --set T=1000000 --quiet --out " +
                                              quoted((dir_ / "out").string())));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_NE(r.status, 0) << r.output;
  EXPECT_LT(seconds, 60.0) << "the run outlived its killed rank by a long time";
}

// Ctrl-C to mpirun, once every rank is simulating: the ranks agree on a block, and the folder holds
// what was simulated, as in one process.
TEST_F(Ranks, InterruptUnderMpirunWritesWhatWasSimulated) {
  const std::filesystem::path out = dir_ / "out";
  const std::string run =
      mpirun(2) + test_support::eisim_command("run " + quoted(test_support::source_path("configs/balanced_eif.json")) +
                                              " --set N=1000 --set T=1000000 --quiet --out " + quoted(out.string())) +
      " >/dev/null";
  // Wait for the first spikes on disk (every rank is then in the loop), then interrupt.
  const std::string spikes = quoted((out / "E_spike_ids.npy").string());
  const CommandResult r = run_command(run + " & pid=$!; for i in $(seq 600); do [ $(stat -c %s " + spikes +
                                      " 2>/dev/null || echo 0) -gt 128 ] && break; sleep 0.1; done; kill -INT $pid; "
                                      "wait $pid");
  ASSERT_TRUE(std::filesystem::exists(out / "summary.json")) << r.output;
  const nlohmann::json summary = summary_of(out);
  EXPECT_TRUE(summary["interrupted"].get<bool>());
  EXPECT_GT(summary["t_sim_ms"].get<double>(), 0.0);
  EXPECT_LT(summary["t_sim_ms"].get<double>(), 1000000.0);
  EXPECT_NE(r.output.find("interrupted"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace eisim
