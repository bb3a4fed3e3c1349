// eisim's command line (docs/architecture.md, "Command line"): chooses the subcommand and turns what
// went wrong into an exit status. Each subcommand is a Command in its own file.
#include <iostream>

#include "eisim/errors.hpp"
#include "src/cli/command.hpp"

int main(int argc, char** argv) {
  using namespace eisim::cli;
  CLI::App app{"eisim: large recurrent spiking networks (EIF neurons, exponential synapses) on CPU and GPU"};
  app.require_subcommand(1);
  std::vector<std::unique_ptr<Command>> commands;
  commands.push_back(run_command());
  commands.push_back(compare_command());
  commands.push_back(meanfield_command());
  commands.push_back(ratemodel_command());
  commands.push_back(rnn_command());
  std::vector<CLI::App*> apps;
  for (const auto& command : commands) apps.push_back(command->add_to(app));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : kBadInput;  // --help is not an error
  }
  try {
    for (size_t k = 0; k < commands.size(); ++k) {
      if (apps[k]->parsed()) return commands[k]->run();
    }
    return kBadInput;  // unreachable: a subcommand is required
  } catch (const eisim::ConfigError& e) {
    std::cerr << "eisim: error in the network description: " << e.what() << "\n";
    return kBadInput;
  } catch (const eisim::UsageError& e) {
    std::cerr << "eisim: " << e.what() << "\n";
    return kBadInput;
  } catch (const eisim::RuntimeProblem& e) {
    std::cerr << "eisim: " << e.what() << "\n";
    return kMachineProblem;
  } catch (const eisim::InternalError& e) {
    std::cerr << "eisim: internal error (a bug in eisim; please report it): " << e.what() << "\n";
    return kInternalError;
  } catch (const std::exception& e) {
    std::cerr << "eisim: unexpected error: " << e.what() << "\n";
    return kUnexpected;
  }
}
