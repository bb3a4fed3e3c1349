// The eisim binary's exit statuses and messages (docs/architecture.md, "Exit statuses"): bad input (a
// config the reader refuses, a command line that does not parse, options that do not go together)
// exits 2, and a machine that cannot run what was asked 3; each with a message naming what was wrong,
// before anything is written or simulated, and never with a crash. --help is not an error: it exits 0.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "base_config.hpp"
#include "test_support.hpp"

namespace eisim {
namespace {

namespace fs = std::filesystem;
using test_support::CommandResult;
using test_support::expect_clean_failure;
using test_support::quoted;

std::string canonical_config_path() { return test_support::source_path("configs/balanced_eif.json"); }

// ---------------------------------------------------------------------------------------------------
// Network descriptions the reader refuses, and a machine without a GPU

using CliConfigErrors = test_support::CommandLine;

TEST_F(CliConfigErrors, MalformedJsonFile) {
  std::string text = test_support::kBaseConfig;
  const size_t at = text.find("\"T\": 100");
  ASSERT_NE(at, std::string::npos);
  text.erase(at - 2, 1);  // the comma before "T"
  const fs::path config = write("malformed.json", text);
  const CommandResult r = eisim("run " + quoted(config.string()) + " --quiet --out " + quoted((dir_ / "out").string()));
  expect_clean_failure(r, 2, {"error", "malformed JSON", "malformed.json"});
}

TEST_F(CliConfigErrors, UnknownKeyFile) {
  using test_support::Json;
  const fs::path config = write("unknown_key.json", test_support::modified([](Json& c) {
                                  test_support::population(c, "E")["tau_mm"] = 15;
                                }));
  const CommandResult r = eisim("run " + quoted(config.string()) + " --quiet --out " + quoted((dir_ / "out").string()));
  expect_clean_failure(r, 2, {"error", "populations.E", "tau_mm"});
}

TEST_F(CliConfigErrors, NonexistentFile) {
  const fs::path config = dir_ / "no_such_config.json";
  const CommandResult r = eisim("run " + quoted(config.string()) + " --quiet --out " + quoted((dir_ / "out").string()));
  expect_clean_failure(r, 2, {"error", "no_such_config.json"});
}

TEST_F(CliConfigErrors, NegativeTOverride) {
  const CommandResult r = eisim("run " + quoted(canonical_config_path()) + " --set T=-1 --quiet --out " +
                                quoted((dir_ / "out").string()));
  expect_clean_failure(r, 2, {"error", "simulation.T", "-1"});
}

TEST_F(CliConfigErrors, AnInfiniteTExits2BeforeTheOutputFolderIsMade) {
  const fs::path out = dir_ / "out";
  const CommandResult r = eisim("run " + quoted(canonical_config_path()) + " --set T=inf --quiet --out " + quoted(out.string()));
  expect_clean_failure(r, 2, {"error in the network description", "--set T=inf", "not a finite number"});
  EXPECT_FALSE(fs::exists(out)) << "the output folder was made before the config was refused";
}

TEST_F(CliConfigErrors, CudaBackendWithoutGpu) {
  if (fs::exists("/dev/nvidia0") || fs::exists("/dev/nvidiactl")) {
    GTEST_SKIP() << "this machine has an NVIDIA device; the no-GPU message cannot be checked here";
  }
  // burn_in=0: the canonical burn_in (200 ms) is longer than T=10 and would be refused first.
  const CommandResult r = eisim("run " + quoted(canonical_config_path()) +
                                " --backend cuda --set N=500 --set T=10 --set burn_in=0 --quiet --out " +
                                quoted((dir_ / "out").string()));
  expect_clean_failure(r, 3, {"cuda", "--backend cpu"});
}

TEST_F(CliConfigErrors, CompareWithoutGpu) {
  if (fs::exists("/dev/nvidia0") || fs::exists("/dev/nvidiactl")) {
    GTEST_SKIP() << "this machine has an NVIDIA device; the no-GPU message cannot be checked here";
  }
  // Refused before the CPU run: at this size the CPU would take minutes to get there.
  const CommandResult r = eisim("compare " + quoted(canonical_config_path()) + " --set N=200000 --quiet");
  expect_clean_failure(r, 3, {"cuda", "--backend cpu"});
}

// ---------------------------------------------------------------------------------------------------
// Command lines that mean nothing: exit status 2 (CLI11's own codes, 106 or 109, never leak out)

using CliUsage = test_support::CommandLine;

TEST_F(CliUsage, FastModeOnTheCpuExits2NamingItBeforeWritingAnything) {
  // The CPU backend is the deterministic reference and has no fast mode.
  const fs::path out = dir_ / "out";
  const CommandResult r = eisim("run " + quoted(canonical_config_path()) +
                                " --backend cpu --mode fast --set N=1000 --set T=50 --set burn_in=0 --quiet --out " +
                                quoted(out.string()));
  expect_clean_failure(r, 2, {"--mode fast", "--backend cuda"});
  EXPECT_FALSE(fs::exists(out)) << "the output folder was made before the options were refused";
}

TEST_F(CliUsage, CompareWithTheCpuInFastModeExits2BeforeTheReferenceRuns) {
  // At this size the CPU reference would take minutes: refused before it starts.
  const CommandResult r = eisim("compare " + quoted(canonical_config_path()) +
                                " --backend cpu --mode fast --set N=200000 --quiet");
  expect_clean_failure(r, 2, {"--mode fast"});
}

TEST_F(CliUsage, AnUnknownSubcommandExits2) {
  expect_clean_failure(eisim("frobnicate"), 2, {"subcommand", "frobnicate"});
  expect_clean_failure(eisim(""), 2, {"subcommand"});  // none at all
}

TEST_F(CliUsage, AnUnknownFlagExits2NamingIt) {
  const fs::path out = dir_ / "out";
  const CommandResult r = eisim("run " + quoted(canonical_config_path()) + " --frobnicate --out " + quoted(out.string()));
  expect_clean_failure(r, 2, {"--frobnicate"});
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(CliUsage, AValueOutsideAnOptionsChoicesExits2NamingIt) {
  expect_clean_failure(eisim("run " + quoted(canonical_config_path()) + " --backend gpu"), 2, {"--backend", "gpu"});
  expect_clean_failure(eisim("run " + quoted(canonical_config_path()) + " --mode turbo"), 2, {"--mode", "turbo"});
  expect_clean_failure(eisim("run " + quoted(canonical_config_path()) + " --delivery columns"), 2, {"--delivery", "columns"});
  // Tiles are the CUDA backend's; the CPU delivers along rows.
  expect_clean_failure(eisim("run " + quoted(canonical_config_path()) + " --delivery tiles"), 2,
                       {"--delivery tiles", "CPU", "--backend cuda"});
  expect_clean_failure(eisim("run"), 2, {"config"});  // the config is required
}

TEST_F(CliUsage, ThreadsOutOfRangeExits2NamingIt) {
  const fs::path out = dir_ / "out";
  const CommandResult r = eisim("run " + quoted(canonical_config_path()) + " --threads 100000 --quiet --out " +
                                quoted(out.string()));
  expect_clean_failure(r, 2, {"--threads", "100000"});
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(CliUsage, ASeedThatIsNotANumberExits2NamingIt) {
  const fs::path out = dir_ / "out";
  const CommandResult r = eisim("run " + quoted(canonical_config_path()) + " --seed abc --quiet --out " + quoted(out.string()));
  expect_clean_failure(r, 2, {"--seed", "abc"});
  EXPECT_FALSE(fs::exists(out));
}

// Every numeric option takes only finite numbers in its range, and a refusal says so in a few words
// (not a range written out in 300 digits); a value that passes but asks for more steps than can be
// held is refused too, before any work.
TEST_F(CliUsage, NumericOptionsOutsideTheirRangeExit2Briefly) {
  const std::string config = quoted(canonical_config_path());
  const std::string out = " --out " + quoted((dir_ / "out").string());
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases{
      {"run " + config + " --seed -1 --quiet", {"--seed", "-1", "2^53"}},
      {"run " + config + " --seed 18446744073709551616 --quiet", {"--seed", "18446744073709551616"}},
      {"run " + config + " --seed 1.5 --quiet", {"--seed", "1.5"}},
      {"run " + config + " --threads 1.5 --quiet", {"--threads", "1.5"}},
      {"meanfield " + config + " --gain inf --threshold 0", {"--gain", "inf"}},
      {"meanfield " + config + " --gain 1 --threshold nan", {"--threshold", "nan"}},
      {"ratemodel " + config + " --gain 1 --threshold 0 --dt 1e-300", {"--dt", "10^9 steps"}},
      {"ratemodel " + config + " --gain 1 --threshold 0 --T nan", {"--T", "nan"}},
      {"ratemodel " + config + " --gain 1e300 --threshold 0", {"rates overflow", "--gain"}},
      {"rnn --T 1e300", {"--T", "10^8 steps"}},
      {"rnn --seed -1", {"--seed", "-1"}},
      {"rnn --rho nan", {"--rho", "nan"}},
      {"rnn --N 2.5", {"--N", "2.5"}},
      {"rnn --period 1e-300", {"--period", "two steps"}},
  };
  for (const auto& [command, words] : cases) {
    const CommandResult r = eisim(command + out);
    expect_clean_failure(r, 2, words);
    EXPECT_LT(r.output.size(), 400u) << command << ":\n" << r.output;
    EXPECT_FALSE(fs::exists(dir_ / "out")) << command;
  }
}

TEST_F(CliUsage, HelpExits0AndListsTheSubcommands) {
  const CommandResult help = eisim("--help");
  EXPECT_EQ(help.status, 0) << help.output;
  for (const char* subcommand : {"run", "compare", "meanfield", "ratemodel", "rnn"}) {
    EXPECT_NE(help.output.find(subcommand), std::string::npos) << subcommand << " is missing:\n" << help.output;
  }
  const CommandResult run_help = eisim("run --help");
  EXPECT_EQ(run_help.status, 0) << run_help.output;
  EXPECT_NE(run_help.output.find("--mode"), std::string::npos) << run_help.output;
}

// ---------------------------------------------------------------------------------------------------
// A machine that cannot run what was asked: exit status 3, naming the limit

using CliMachineProblems = test_support::CommandLine;

TEST_F(CliMachineProblems, ARunUnderAnAddressSpaceLimitExits3NamingTheLimit) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer reserves terabytes of address space and cannot start under ulimit -v";
#endif
  // N = 100000 at p = 0.1: 1.2e9 synapses, about 10 GB of connectivity; the limit is 3 GB.
  const fs::path out = dir_ / "out";
  const std::string run = test_support::eisim_command("run " + quoted(canonical_config_path()) +
                                                      " --set N=100000 --quiet --out " + quoted(out.string()));
  const CommandResult r = test_support::run_command("sh -c " + quoted("ulimit -v 3000000; exec " + run));
  expect_clean_failure(r, 3, {"will not fit in memory", "ulimit -v"});
  EXPECT_FALSE(fs::exists(out));
}

}  // namespace
}  // namespace eisim
