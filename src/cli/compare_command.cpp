// `eisim compare CONFIG`: the CPU reference against another backend, as JSON (docs/architecture.md,
// "Command line"). Exit status 1 when deterministic-mode spikes differ, so scripts can rely on it.
#include <iostream>

#include "eisim/engine/compare.hpp"
#include "src/cli/command.hpp"

namespace eisim::cli {
namespace {

class CompareCommand : public Command {
 public:
  CLI::App* add_to(CLI::App& app) override {
    CLI::App* compare =
        app.add_subcommand("compare", "run a network on the CPU and on --backend (default cuda) and compare the spikes");
    args_.add_to(compare, "cuda");
    return compare;
  }

  int run(Communicator& ranks) override {
    const NetworkSpec spec = args_.spec();
    const RunOptions options = args_.options(ranks);
    const auto result = compare_backends(spec, options);
    std::cout << result.dump(2) << std::endl;
    const bool deterministic = options.backend_options.mode == AccumulationMode::deterministic;
    return deterministic && !result["identical_spikes"].get<bool>() ? kSpikesDiffer : 0;
  }

 private:
  SimulationArgs args_;
};

}  // namespace

std::unique_ptr<Command> compare_command() { return std::make_unique<CompareCommand>(); }

}  // namespace eisim::cli
