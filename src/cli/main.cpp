// eisim's command line (docs/architecture.md, "Command line"): chooses the subcommand and turns what
// went wrong into an exit status (failure.hpp). Each subcommand is a Command in its own file. Under
// mpirun or srun every rank runs this; rank 0 speaks for all.
#include <iostream>
#include <sstream>

#include "eisim/cluster/communicator.hpp"
#include "eisim/errors.hpp"
#include "eisim/failure.hpp"
#include "src/cli/command.hpp"

namespace {

// The subcommand's exit status. A failure the ranks agreed on is printed once, by rank 0; one that
// only this rank met is printed by it, and ends the others too.
int run_command_line(eisim::Communicator& ranks, int argc, char** argv) {
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
  std::ostringstream discard;
  std::ostream& out = ranks.rank() == 0 ? std::cout : discard;
  std::ostream& err = ranks.rank() == 0 ? std::cerr : discard;
  // An unknown word where the subcommand goes: CLI11 would only say that a subcommand is required.
  if (argc > 1 && argv[1][0] != '-') {
    bool known = false;
    std::string names;
    for (const CLI::App* sub : apps) {
      known = known || sub->get_name() == argv[1];
      names += (names.empty() ? "" : ", ") + sub->get_name();
    }
    if (!known) {
      err << "eisim: unknown subcommand '" << argv[1] << "' (known: " << names << "; eisim --help)\n";
      return eisim::kBadInput;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e, out, err) == 0 ? 0 : eisim::kBadInput;  // --help is not an error
  }
  for (size_t k = 0; k < commands.size(); ++k) {
    if (!apps[k]->parsed()) continue;
    if (ranks.size() > 1 && !commands[k]->runs_on_ranks()) {
      throw eisim::AgreedFailure({eisim::kBadInput, "eisim " + apps[k]->get_name() +
                                                        " runs in one process; only eisim run runs on several "
                                                        "ranks (mpirun -np 1, or no mpirun)"});
    }
    return commands[k]->run(ranks);
  }
  return eisim::kBadInput;  // unreachable: a subcommand is required
}

}  // namespace

int main(int argc, char** argv) {
  std::unique_ptr<eisim::Communicator> ranks;
  try {
    ranks = eisim::join_ranks(argc, argv);
  } catch (...) {
    const eisim::Failure f = eisim::describe_failure(std::current_exception());
    std::cerr << "eisim: " << f.message << "\n";
    return f.status;
  }
  try {
    return run_command_line(*ranks, argc, argv);
  } catch (const eisim::AgreedFailure& e) {
    if (ranks->rank() == 0) std::cerr << "eisim: " << e.what() << "\n";
    return e.status;
  } catch (...) {
    const eisim::Failure f = eisim::describe_failure(std::current_exception());
    if (ranks->size() == 1) {
      std::cerr << "eisim: " << f.message << "\n";
      return f.status;
    }
    std::cerr << "eisim: rank " << ranks->rank() << " of " << ranks->size() << ": " << f.message
              << " (stopping every rank)" << std::endl;
    ranks->abort(f.status);
  }
}
