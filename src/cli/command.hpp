// The command line (docs/architecture.md, "Command line"): one Command per subcommand, each in its own
// file; main.cpp only dispatches and turns errors into exit statuses.
#pragma once

#include <CLI/CLI.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "eisim/engine/config.hpp"
#include "eisim/engine/simulation.hpp"

namespace eisim::cli {

// Exit statuses (docs/architecture.md, "Exit statuses").
constexpr int kSpikesDiffer = 1;    // eisim compare: deterministic-mode spikes differ
constexpr int kBadInput = 2;        // ConfigError, UsageError, a command line that does not parse
constexpr int kMachineProblem = 3;  // RuntimeProblem
constexpr int kUnexpected = 4;      // any other exception: a bug
constexpr int kInternalError = 5;   // InternalError: a broken invariant, a bug
constexpr int kInterrupted = 130;   // Ctrl-C or SIGTERM ended `eisim run`; what was simulated is written

// A subcommand: registers its options, and runs once the command line has chosen it.
class Command {
 public:
  virtual ~Command() = default;
  virtual CLI::App* add_to(CLI::App& app) = 0;
  virtual int run() = 0;  // the exit status
};

std::unique_ptr<Command> run_command();
std::unique_ptr<Command> compare_command();
std::unique_ptr<Command> meanfield_command();
std::unique_ptr<Command> ratemodel_command();
std::unique_ptr<Command> rnn_command();
std::unique_ptr<Command> check_command();

// What `run` and `compare` both take: a config, overrides, the backend and its options.
struct SimulationArgs {
  std::string config;
  std::string backend;
  std::string mode = "deterministic";
  std::vector<std::string> overrides;
  int64_t seed = -1;
  int threads = 0;
  bool quiet = false;

  void add_to(CLI::App* app, const std::string& default_backend);
  NetworkSpec spec() const;     // the config with --set and --seed applied
  RunOptions options() const;  // backend, mode, threads, progress
};

// --tau NAME=ms options: a time constant by population name; throws UsageError.
std::map<std::string, double> parse_taus(const std::vector<std::string>& taus);

}  // namespace eisim::cli
