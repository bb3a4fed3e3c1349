// eisim's command line (docs/architecture.md, "Command line"): chooses the subcommand and turns what
// went wrong into an exit status. Each subcommand is a Command in its own file.
#include <filesystem>
#include <iostream>
#include <new>

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
  commands.push_back(check_command());
  std::vector<CLI::App*> apps;
  for (const auto& command : commands) apps.push_back(command->add_to(app));
  // An unknown word where the subcommand goes: CLI11 would only say that a subcommand is required.
  if (argc > 1 && argv[1][0] != '-') {
    bool known = false;
    std::string names;
    for (const CLI::App* sub : apps) {
      known = known || sub->get_name() == argv[1];
      names += (names.empty() ? "" : ", ") + sub->get_name();
    }
    if (!known) {
      std::cerr << "eisim: unknown subcommand '" << argv[1] << "' (known: " << names << "; eisim --help)\n";
      return kBadInput;
    }
  }
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
  } catch (const std::bad_alloc&) {
    std::cerr << "eisim: out of memory: the network or its outputs need more memory than this process may use "
                 "(see ulimit -v); reduce N, the connection probability or what is recorded\n";
    return kMachineProblem;
  } catch (const std::filesystem::filesystem_error& e) {
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
