// `eisim rnn`: trains the chaotic RNN's readout on a sine (book Fig. 4.2) and tests it
// (docs/architecture.md, "Command line"; the network is in src/theory/).
#include <iostream>

#include "eisim/theory/rnn_task.hpp"
#include "src/cli/command.hpp"
#include "src/cli/option_checks.hpp"

namespace eisim::cli {
namespace {

class RnnCommand : public Command {
 public:
  CLI::App* add_to(CLI::App& app) override {
    CLI::App* rnn = app.add_subcommand("rnn", "train a chaotic RNN's readout on a sine (book Fig. 4.2) and test it");
    rnn->add_option("--learning", learning_, "rls (FORCE, Eq. 4.8), lms (Eq. 4.7) or none")
        ->check(CLI::IsMember({"rls", "lms", "none"}));
    rnn->add_option("--N", task_.params.N, "neurons")->check(whole_number(1, 1000000, "10^6"));
    rnn->add_option("--rho", task_.params.rho, "spectral radius of W (entries have variance rho^2/N)")
        ->check(finite_number());
    rnn->add_option("--period", task_.period_ms, "period of the sine target (ms)")->check(positive_number());
    rnn->add_option("--learn-from", task_.learn_from_ms, "learning starts (ms)")->check(finite_number());
    rnn->add_option("--learn-until", task_.learn_until_ms, "learning stops (ms)")->check(finite_number());
    rnn->add_option("--T", task_.t_ms, "duration (ms)")->check(positive_number());
    rnn->add_option("--seed", task_.params.seed, "random seed")->check(whole_number(0, UINT64_MAX, "2^64 - 1"));
    rnn->add_option("--out", out_dir_, "output folder (default out/rnn)");
    rnn->add_option("--backend", backend_, "cpu (Eigen) or cuda (cuBLAS)")->check(CLI::IsMember({"cpu", "cuda"}));
    return rnn;
  }

  int run(Communicator&) override {
    task_.learning = learning_from_name(learning_);
    task_.backend = parse_backend(backend_);
    std::cout << run_rnn_task(task_, out_dir_).dump(2) << std::endl;
    return 0;
  }

 private:
  RnnTask task_;
  std::string learning_ = "rls";
  std::string backend_ = "cpu";
  std::string out_dir_ = "out/rnn";
};

}  // namespace

std::unique_ptr<Command> rnn_command() { return std::make_unique<RnnCommand>(); }

}  // namespace eisim::cli
