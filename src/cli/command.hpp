// The command line (docs/architecture.md, "Command line"): one Command per subcommand, each in its own
// file; main.cpp only dispatches and turns errors into exit statuses.
#pragma once

#include <CLI/CLI.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "eisim/cluster/communicator.hpp"
#include "eisim/engine/config.hpp"
#include "eisim/failure.hpp"
#include "eisim/engine/simulation.hpp"

namespace eisim::cli {

// A subcommand: registers its options, and runs once the command line has chosen it.
class Command {
 public:
  virtual ~Command() = default;
  virtual CLI::App* add_to(CLI::App& app) = 0;
  // The exit status (failure.hpp). `ranks`: one process, or the ranks of an MPI launch.
  virtual int run(Communicator& ranks) = 0;
  virtual bool runs_on_ranks() const { return false; }  // may run as more than one rank
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
  std::string delivery = "rows";
  std::vector<std::string> overrides;
  int64_t seed = -1;
  int threads = 0;
  bool quiet = false;

  void add_to(CLI::App* app, const std::string& default_backend);
  NetworkSpec spec() const;     // the config with --set and --seed applied
  uint64_t fingerprint() const;  // of the config's text and these options, to check that ranks agree
  RunOptions options(const Communicator& ranks) const;  // backend, mode, threads (shared by the node's ranks), progress
};

// --tau NAME=ms options: a time constant by population name; throws UsageError.
std::map<std::string, double> parse_taus(const std::vector<std::string>& taus);

}  // namespace eisim::cli
