// `eisim meanfield CONFIG`: the config's mean-field quantities as JSON (docs/architecture.md,
// "Command line"; the theory is in src/theory/).
#include <iostream>
#include <optional>

#include "eisim/theory/meanfield_report.hpp"
#include "src/cli/command.hpp"
#include "src/cli/option_checks.hpp"

namespace eisim::cli {
namespace {

class MeanFieldCommand : public Command {
 public:
  CLI::App* add_to(CLI::App& app) override {
    CLI::App* mf = app.add_subcommand("meanfield", "mean-field weights, balanced and threshold-linear rates as JSON");
    mf->add_option("config", config_, "network description (JSON)")->required();
    mf->add_option("--set", overrides_, "override a value, e.g. --set N=20000");
    mf->add_option("--gain", gain_, "threshold-linear f-I gain g (Hz/mV) for Eq. 3.10")->check(positive_number());
    mf->add_option("--threshold", threshold_, "threshold-linear f-I threshold theta (mV)")->check(finite_number());
    mf->add_option("--tau", taus_, "rate-model time constant of a population, e.g. --tau E=30 --tau I=15 (ms)");
    mf->add_flag("--measure-fi", measure_,
                 "measure the f-I curve of the first spiking population by simulation (book Fig. 2.6) and fit it");
    return mf;
  }

  int run(Communicator&) override {
    const NetworkSpec spec = load_network_spec(config_, overrides_);
    std::optional<RectifiedLinear> f;
    if (gain_ > 0) f = RectifiedLinear{gain_ / 1000.0, threshold_};
    std::cout << mean_field_report(spec, f, measure_, parse_taus(taus_)).dump(2) << std::endl;
    return 0;
  }

 private:
  std::string config_;
  std::vector<std::string> overrides_, taus_;
  double gain_ = 0.0, threshold_ = 0.0;
  bool measure_ = false;
};

}  // namespace

std::unique_ptr<Command> meanfield_command() { return std::make_unique<MeanFieldCommand>(); }

}  // namespace eisim::cli
