// `eisim run CONFIG`: simulates a network, writes its outputs and prints its summary
// (docs/architecture.md, "Command line"). Ctrl-C ends the run after the block under way.
#include <atomic>
#include <csignal>
#include <filesystem>
#include <iostream>

#include "eisim/cli/summary.hpp"
#include "eisim/engine/json_file.hpp"
#include "eisim/theory/meanfield_report.hpp"
#include "src/cli/command.hpp"

namespace eisim::cli {
namespace {

// Ctrl-C (or SIGTERM) during `eisim run` ends the run at the next block and keeps what was
// simulated; the handler then reverts to the default, so a second Ctrl-C ends it at once.
// SA_RESTART: a write the signal lands in (the writer thread's, say) goes on rather than failing.
std::atomic<bool> stop_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free, "set from a signal handler");
extern "C" void request_stop(int) { stop_requested.store(true); }
void stop_on_interrupt() {
  struct sigaction action {};
  action.sa_handler = request_stop;
  action.sa_flags = SA_RESETHAND | SA_RESTART;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

class RunCommand : public Command {
 public:
  CLI::App* add_to(CLI::App& app) override {
    CLI::App* run = app.add_subcommand("run", "simulate a network described in a JSON config");
    args_.add_to(run, "cpu");
    run->add_option("--out", out_dir_, "output folder (default: out/<config name>)");
    run->add_flag("--overwrite", overwrite_, "replace the files of an earlier run in the output folder");
    return run;
  }

  bool runs_on_ranks() const override { return true; }

  int run(Communicator& ranks) override {
    NetworkSpec spec;
    RunOptions options;
    run_on_every_rank(ranks, [&] {
      spec = args_.spec();
      options = args_.options(ranks);
    });
    require_same_on_every_rank(ranks, args_.fingerprint(), "config or options");
    options.out_dir = out_dir_.empty() ? "out/" + std::filesystem::path(args_.config).stem().string() : out_dir_;
    options.overwrite = overwrite_;
    options.stop = &stop_requested;
    options.backend_options.ranks = &ranks;
    stop_on_interrupt();
    const RunReport report = run_simulation(spec, options);
    if (ranks.rank() != 0) return report.interrupted ? kInterrupted : 0;  // rank 0 reports for all
    const auto summary = make_summary(spec, report, args_.config);
    const std::string summary_path = (std::filesystem::path(options.out_dir) / "summary.json").string();
    write_json_file(summary, summary_path);
    if (const auto mean_field = plastic_mean_field_report(spec); !mean_field.is_null()) {
      const std::string path = (std::filesystem::path(options.out_dir) / "meanfield_plasticity.json").string();
      write_json_file(mean_field, path);
      if (!args_.quiet) std::cerr << "wrote " << path << " (book Eq. 4.3)\n";
    }
    std::cout << summary.dump(2) << std::endl;
    for (const auto& warning : summary["warnings"]) std::cerr << "eisim: warning: " << warning.get<std::string>() << "\n";
    if (!args_.quiet) std::cerr << "wrote " << summary_path << "\n";
    if (report.interrupted) {
      std::cerr << "eisim: interrupted: the outputs in " << options.out_dir << " hold the first " << report.t_sim_ms
                << " of " << spec.simulation.t_ms << " ms\n";
      return kInterrupted;
    }
    return 0;
  }

 private:
  SimulationArgs args_;
  std::string out_dir_;
  bool overwrite_ = false;
};

}  // namespace

std::unique_ptr<Command> run_command() { return std::make_unique<RunCommand>(); }

}  // namespace eisim::cli
