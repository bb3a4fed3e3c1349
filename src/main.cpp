// eisim command line: `eisim run CONFIG ...` simulates a network and writes its outputs;
// `eisim compare CONFIG ...` runs it on the CPU and on another backend and compares the spikes.
#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <filesystem>
#include <cstdlib>
#include <iostream>
#include <map>
#include <thread>

#include "eisim/compare.hpp"
#include "eisim/config.hpp"
#include "eisim/errors.hpp"
#include "eisim/meanfield_report.hpp"
#include "eisim/rate_model_task.hpp"
#include "eisim/rnn_task.hpp"
#include "eisim/simulation.hpp"
#include "eisim/summary.hpp"

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
constexpr int kInterruptedStatus = 130;  // the shell's status for a run ended by Ctrl-C

// What both subcommands take.
struct Common {
  std::string config;
  std::string backend = "cpu";
  std::string mode = "deterministic";
  std::vector<std::string> overrides;
  int64_t seed = -1;
  int threads = 0;
  bool quiet = false;

  eisim::NetworkSpec spec() const {
    std::vector<std::string> all = overrides;
    if (seed >= 0) all.push_back("simulation.seed=" + std::to_string(seed));
    return eisim::load_network_spec(config, all);
  }
  eisim::RunOptions options() const {
    eisim::RunOptions o;
    o.backend = backend;
    o.threads = threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    o.show_progress = !quiet;
    o.backend_options.mode = mode == "fast" ? eisim::AccumulationMode::fast : eisim::AccumulationMode::deterministic;
    return o;
  }
};

void add_common(CLI::App* app, Common& c, const std::string& default_backend) {
  c.backend = default_backend;
  app->add_option("config", c.config, "network description (JSON)")->required();
  app->add_option("--backend", c.backend, "cpu or cuda (default " + default_backend + ")")
      ->check(CLI::IsMember({"cpu", "cuda"}));
  app->add_option("--mode", c.mode, "deterministic (CPU and GPU spikes identical) or fast (GPU float atomics)")
      ->check(CLI::IsMember({"deterministic", "fast"}));
  app->add_option("--set", c.overrides, "override a value, e.g. --set N=20000 --set T=2000");
  app->add_option("--seed", c.seed, "random seed (overrides simulation.seed)")->check(CLI::NonNegativeNumber);
  app->add_option("--threads", c.threads, "threads for network construction (default: all cores)")
      ->check(CLI::PositiveNumber);
  app->add_flag("--quiet", c.quiet, "no progress display");
}

int run(const Common& c, const std::string& out_dir) {
  const eisim::NetworkSpec spec = c.spec();
  eisim::RunOptions options = c.options();
  options.out_dir = out_dir.empty() ? "out/" + std::filesystem::path(c.config).stem().string() : out_dir;
  options.stop = &stop_requested;
  stop_on_interrupt();
  const eisim::RunReport report = eisim::run_simulation(spec, options);
  const auto summary = eisim::make_summary(spec, report, c.config);
  const std::string summary_path = (std::filesystem::path(options.out_dir) / "summary.json").string();
  eisim::write_summary(summary, summary_path);
  if (const auto mean_field = eisim::plastic_mean_field_report(spec); !mean_field.is_null()) {
    const std::string path = (std::filesystem::path(options.out_dir) / "meanfield_plasticity.json").string();
    eisim::write_summary(mean_field, path);
    if (!c.quiet) std::cerr << "wrote " << path << " (book Eq. 4.3)\n";
  }
  std::cout << summary.dump(2) << std::endl;
  if (!c.quiet) std::cerr << "wrote " << summary_path << "\n";
  if (report.interrupted) {
    std::cerr << "eisim: interrupted: the outputs in " << options.out_dir << " hold the first "
              << report.t_sim_ms << " of " << spec.simulation.t_ms << " ms\n";
    return kInterruptedStatus;
  }
  return 0;
}

// Exit status 1 when deterministic-mode spikes differ, so scripts can rely on it.
int compare(const Common& c) {
  const eisim::NetworkSpec spec = c.spec();
  const auto result = eisim::compare_backends(spec, c.options());
  std::cout << result.dump(2) << std::endl;
  return c.mode == "deterministic" && !result["identical_spikes"].get<bool>() ? 1 : 0;
}

struct MeanFieldCommand {
  std::string config;
  std::vector<std::string> overrides;
  double gain = 0.0, threshold = 0.0;
  bool measure = false;
  std::vector<std::string> taus;  // NAME=ms
};

std::map<std::string, double> parse_taus(const std::vector<std::string>& taus) {
  std::map<std::string, double> out;
  for (const std::string& item : taus) {
    const size_t eq = item.find('=');
    char* end = nullptr;
    const double value = eq == std::string::npos ? 0.0 : std::strtod(item.c_str() + eq + 1, &end);
    if (eq == std::string::npos || eq == 0 || end == item.c_str() + eq + 1 || *end != '\0') {
      throw eisim::ConfigError("--tau '" + item + "': expected NAME=milliseconds, e.g. --tau E=30");
    }
    out[item.substr(0, eq)] = value;
  }
  return out;
}

int meanfield(const MeanFieldCommand& c) {
  const eisim::NetworkSpec spec = eisim::load_network_spec(c.config, c.overrides);
  std::optional<eisim::RectifiedLinear> f;
  if (c.gain > 0) f = eisim::RectifiedLinear{c.gain / 1000.0, c.threshold};
  std::cout << eisim::mean_field_report(spec, f, c.measure, parse_taus(c.taus)).dump(2) << std::endl;
  return 0;
}

struct RateModelCommand {
  std::string config;
  std::vector<std::string> overrides, taus;
  eisim::RateModelTask task;
  double gain = 0.0;
  std::string out_dir = "out/ratemodel";
};

int ratemodel(RateModelCommand c) {
  const eisim::NetworkSpec spec = eisim::load_network_spec(c.config, c.overrides);
  if (c.gain > 0) {
    c.task.f.gain = c.gain / 1000.0;
  } else if (spec.mean_field) {
    c.task.f = spec.mean_field->curve();
  } else {
    throw eisim::ConfigError("ratemodel: give --gain and --threshold, or a mean_field block in the config "
                             "(eisim meanfield CONFIG --measure-fi fits them)");
  }
  c.task.tau_ms = parse_taus(c.taus);
  std::cout << eisim::run_rate_model(spec, c.task, c.out_dir).dump(2) << std::endl;
  return 0;
}

struct RnnCommand {
  eisim::RnnTask task;
  std::string learning = "rls";
  std::string out_dir = "out/rnn";
};

int rnn(RnnCommand c) {
  c.task.learning = eisim::learning_from_name(c.learning);
  std::cout << eisim::run_rnn_task(c.task, c.out_dir).dump(2) << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"eisim: large recurrent spiking networks (EIF neurons, exponential synapses) on CPU and GPU"};
  app.require_subcommand(1);
  Common run_args, compare_args;
  std::string out_dir;
  CLI::App* run_app = app.add_subcommand("run", "simulate a network described in a JSON config");
  add_common(run_app, run_args, "cpu");
  run_app->add_option("--out", out_dir, "output folder (default: out/<config name>)");
  CLI::App* compare_app =
      app.add_subcommand("compare", "run a network on the CPU and on --backend (default cuda) and compare the spikes");
  add_common(compare_app, compare_args, "cuda");
  MeanFieldCommand mf;
  CLI::App* mf_app = app.add_subcommand("meanfield", "mean-field weights, balanced and threshold-linear rates as JSON");
  mf_app->add_option("config", mf.config, "network description (JSON)")->required();
  mf_app->add_option("--set", mf.overrides, "override a value, e.g. --set N=20000");
  mf_app->add_option("--gain", mf.gain, "threshold-linear f-I gain g (Hz/mV) for Eq. 3.10")->check(CLI::PositiveNumber);
  mf_app->add_option("--threshold", mf.threshold, "threshold-linear f-I threshold theta (mV)");
  mf_app->add_option("--tau", mf.taus, "rate-model time constant of a population, e.g. --tau E=30 --tau I=15 (ms)");
  mf_app->add_flag("--measure-fi", mf.measure,
                   "measure the f-I curve of the first spiking population by simulation (book Fig. 2.6) and fit it");
  RateModelCommand rm;
  CLI::App* rm_app = app.add_subcommand("ratemodel", "integrate the config's rate model (Eq. 3.11) from r = 0");
  rm_app->add_option("config", rm.config, "network description (JSON)")->required();
  rm_app->add_option("--set", rm.overrides, "override a value, e.g. --set N=20000");
  rm_app->add_option("--gain", rm.gain, "threshold-linear f-I gain g (Hz/mV)")->check(CLI::PositiveNumber);
  rm_app->add_option("--threshold", rm.task.f.threshold, "threshold-linear f-I threshold theta (mV)");
  rm_app->add_option("--tau", rm.taus, "time constant of a population, e.g. --tau E=30 --tau I=15 (ms)");
  rm_app->add_option("--T", rm.task.t_ms, "duration (ms)")->check(CLI::PositiveNumber);
  rm_app->add_option("--dt", rm.task.dt_ms, "Euler step (ms)")->check(CLI::PositiveNumber);
  rm_app->add_option("--every", rm.task.record_every_ms, "sampling interval (ms)")->check(CLI::PositiveNumber);
  rm_app->add_option("--backend", rm.task.backend, "cpu (Eigen) or cuda (cuBLAS)")->check(CLI::IsMember({"cpu", "cuda"}));
  rm_app->add_option("--out", rm.out_dir, "output folder (default out/ratemodel)");
  RnnCommand rc;
  CLI::App* rnn_app = app.add_subcommand("rnn", "train a chaotic RNN's readout on a sine (book Fig. 4.2) and test it");
  rnn_app->add_option("--learning", rc.learning, "rls (FORCE, Eq. 4.8), lms (Eq. 4.7) or none")
      ->check(CLI::IsMember({"rls", "lms", "none"}));
  rnn_app->add_option("--N", rc.task.params.N, "neurons")->check(CLI::PositiveNumber);
  rnn_app->add_option("--rho", rc.task.params.rho, "spectral radius of W (entries have variance rho^2/N)");
  rnn_app->add_option("--period", rc.task.period_ms, "period of the sine target (ms)")->check(CLI::PositiveNumber);
  rnn_app->add_option("--learn-from", rc.task.learn_from_ms, "learning starts (ms)");
  rnn_app->add_option("--learn-until", rc.task.learn_until_ms, "learning stops (ms)");
  rnn_app->add_option("--T", rc.task.t_ms, "duration (ms)")->check(CLI::PositiveNumber);
  rnn_app->add_option("--seed", rc.task.params.seed, "random seed");
  rnn_app->add_option("--out", rc.out_dir, "output folder (default out/rnn)");
  rnn_app->add_option("--backend", rc.task.backend, "cpu (Eigen) or cuda (cuBLAS)")->check(CLI::IsMember({"cpu", "cuda"}));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    if (mf_app->parsed()) return meanfield(mf);
    if (rnn_app->parsed()) return rnn(rc);
    if (rm_app->parsed()) return ratemodel(rm);
    return run_app->parsed() ? run(run_args, out_dir) : compare(compare_args);
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
