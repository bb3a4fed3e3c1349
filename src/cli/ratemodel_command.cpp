// `eisim ratemodel CONFIG`: integrates the config's rate model (book Eq. 3.11) from r = 0
// (docs/architecture.md, "Command line"; the model is in src/theory/).
#include <iostream>

#include "eisim/errors.hpp"
#include "eisim/theory/meanfield.hpp"
#include "eisim/theory/rate_model_task.hpp"
#include "src/cli/command.hpp"
#include "src/cli/option_checks.hpp"

namespace eisim::cli {
namespace {

class RateModelCommand : public Command {
 public:
  CLI::App* add_to(CLI::App& app) override {
    CLI::App* rm = app.add_subcommand("ratemodel", "integrate the config's rate model (Eq. 3.11) from r = 0");
    rm->add_option("config", config_, "network description (JSON)")->required();
    rm->add_option("--set", overrides_, "override a value, e.g. --set N=20000");
    rm->add_option("--gain", gain_, "threshold-linear f-I gain g (Hz/mV)")->check(positive_number());
    rm->add_option("--threshold", task_.f.threshold, "threshold-linear f-I threshold theta (mV)")->check(finite_number());
    rm->add_option("--tau", taus_, "time constant of a population, e.g. --tau E=30 --tau I=15 (ms)");
    rm->add_option("--T", task_.t_ms, "duration (ms)")->check(positive_number());
    rm->add_option("--dt", task_.dt_ms, "Euler step (ms)")->check(positive_number());
    rm->add_option("--every", task_.record_every_ms, "sampling interval (ms)")->check(positive_number());
    rm->add_option("--backend", backend_, "cpu (Eigen) or cuda (cuBLAS)")->check(CLI::IsMember({"cpu", "cuda"}));
    rm->add_option("--out", out_dir_, "output folder (default out/ratemodel)");
    return rm;
  }

  int run(Communicator&) override {
    const NetworkSpec spec = load_network_spec(config_, overrides_);
    if (gain_ > 0) {
      task_.f.gain = gain_ / 1000.0;
    } else if (spec.mean_field) {
      task_.f = mean_field_curve(*spec.mean_field);
    } else {
      throw UsageError("ratemodel: give --gain and --threshold, or a mean_field block in the config "
                       "(eisim meanfield CONFIG --measure-fi fits them)");
    }
    task_.tau_ms = parse_taus(taus_);
    task_.backend = parse_backend(backend_);
    std::cout << run_rate_model(spec, task_, out_dir_).dump(2) << std::endl;
    return 0;
  }

 private:
  std::string config_;
  std::vector<std::string> overrides_, taus_;
  RateModelTask task_;
  double gain_ = 0.0;
  std::string backend_ = "cpu";
  std::string out_dir_ = "out/ratemodel";
};

}  // namespace

std::unique_ptr<Command> ratemodel_command() { return std::make_unique<RateModelCommand>(); }

}  // namespace eisim::cli
