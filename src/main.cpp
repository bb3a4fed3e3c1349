// eisim command line: `eisim run CONFIG ...` simulates a network and writes its outputs.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>

#include "eisim/config.hpp"
#include "eisim/errors.hpp"
#include "eisim/simulation.hpp"
#include "eisim/summary.hpp"

namespace {

struct RunCommand {
  std::string config;
  std::string backend = "cpu";
  std::vector<std::string> overrides;
  std::string out_dir;
  int64_t seed = -1;
  int threads = 0;
  bool quiet = false;
};

int run(const RunCommand& cmd) {
  std::vector<std::string> overrides = cmd.overrides;
  if (cmd.seed >= 0) overrides.push_back("simulation.seed=" + std::to_string(cmd.seed));
  const eisim::NetworkSpec spec = eisim::load_network_spec(cmd.config, overrides);

  eisim::RunOptions options;
  options.backend = cmd.backend;
  options.threads = cmd.threads > 0 ? cmd.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  options.out_dir = cmd.out_dir.empty() ? "out/" + std::filesystem::path(cmd.config).stem().string() : cmd.out_dir;
  options.show_progress = !cmd.quiet;

  const eisim::RunReport report = eisim::run_simulation(spec, options);
  const auto summary = eisim::make_summary(spec, report, cmd.config);
  const std::string summary_path = (std::filesystem::path(options.out_dir) / "summary.json").string();
  eisim::write_summary(summary, summary_path);
  std::cout << summary.dump(2) << std::endl;
  if (!cmd.quiet) std::cerr << "wrote " << summary_path << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"eisim: large recurrent spiking networks (EIF neurons, exponential synapses) on CPU and GPU"};
  app.require_subcommand(1);
  RunCommand cmd;
  CLI::App* run_app = app.add_subcommand("run", "simulate a network described in a JSON config");
  run_app->add_option("config", cmd.config, "network description (JSON)")->required();
  run_app->add_option("--backend", cmd.backend, "cpu or cuda")->check(CLI::IsMember({"cpu", "cuda"}));
  run_app->add_option("--set", cmd.overrides, "override a value, e.g. --set N=20000 --set T=2000");
  run_app->add_option("--out", cmd.out_dir, "output folder (default: out/<config name>)");
  run_app->add_option("--seed", cmd.seed, "random seed (overrides simulation.seed)")->check(CLI::NonNegativeNumber);
  run_app->add_option("--threads", cmd.threads, "CPU threads (default: all cores)")->check(CLI::PositiveNumber);
  run_app->add_flag("--quiet", cmd.quiet, "no progress display");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    return run(cmd);
  } catch (const eisim::ConfigError& e) {
    std::cerr << "eisim: error in the network description: " << e.what() << "\n";
    return 2;
  } catch (const eisim::RuntimeProblem& e) {
    std::cerr << "eisim: " << e.what() << "\n";
    return 3;
  } catch (const std::exception& e) {
    std::cerr << "eisim: unexpected error: " << e.what() << "\n";
    return 4;
  }
}
