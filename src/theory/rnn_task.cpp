// `eisim rnn`: the RNN trained on a sine and tested, written to a folder;
// docs/architecture.md, "Command line".
#include "eisim/theory/rnn_task.hpp"

#include <chrono>
#include <cmath>
#include <filesystem>

#include "eisim/engine/backend.hpp"
#include "eisim/errors.hpp"
#if defined(EISIM_WITH_CUDA)
#include "eisim/theory/cuda_models.hpp"
#endif
#include "eisim/engine/npy.hpp"
#include "eisim/engine/json_file.hpp"

namespace eisim {
namespace {

double rms(const RnnRun& run, double from_ms, double to_ms) {
  double sum = 0;
  size_t n = 0;
  for (size_t k = 0; k < run.t.size(); ++k) {
    if (run.t[k] < from_ms || run.t[k] >= to_ms) continue;
    sum += run.error[k] * run.error[k];
    ++n;
  }
  return n ? std::sqrt(sum / static_cast<double>(n)) : 0.0;
}

const char* learning_name(Learning learning) {
  switch (learning) {
    case Learning::none: return "none";
    case Learning::lms: return "lms";
    case Learning::rls: return "rls";
  }
  return "?";
}

}  // namespace

Learning learning_from_name(const std::string& name) {
  if (name == "none") return Learning::none;
  if (name == "lms") return Learning::lms;
  if (name == "rls") return Learning::rls;
  throw UsageError("--learning: unknown rule '" + name + "' (known: none, lms, rls)");
}

nlohmann::ordered_json run_rnn_task(const RnnTask& task, const std::string& out_dir) {
  if (task.params.N < 1) throw UsageError("--N: must be at least 1, got " + std::to_string(task.params.N));
  if (!(task.params.dt > 0)) throw UsageError("--dt: must be > 0 ms");
  if (!(task.t_ms >= task.params.dt)) throw UsageError("--T: must be at least dt");
  // Each step is recorded (four numbers): 10^8 steps hold 3.2 GB.
  if (task.t_ms / task.params.dt > 1e8) throw UsageError("--T: at most 10^8 steps of dt");
  if (!(task.period_ms >= 2 * task.params.dt)) throw UsageError("--period: must be at least two steps of dt to be resolved");
  if (!(task.learn_from_ms <= task.learn_until_ms)) throw UsageError("--learn-from: must not be after --learn-until");
  const double period = task.period_ms;
  const auto start = std::chrono::steady_clock::now();
  const auto target = [period](double t) { return std::sin(2.0 * M_PI * t / period); };
  require_backend(task.backend);
  const RnnRun run =
#if defined(EISIM_WITH_CUDA)
      task.backend == BackendKind::cuda
          ? train_and_test_cuda(task.params, target, task.learning, task.learn_from_ms, task.learn_until_ms, task.t_ms)
          :
#endif
          train_and_test(task.params, target, task.learning, task.learn_from_ms, task.learn_until_ms, task.t_ms);
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  nlohmann::ordered_json s;
  s["backend"] = backend_name(task.backend);
  s["device"] = device_description(task.backend);
  s["N"] = task.params.N;
  s["rho"] = task.params.rho;
  s["tau_ms"] = task.params.tau;
  s["dt_ms"] = task.params.dt;
  s["seed"] = task.params.seed;
  s["learning"] = learning_name(task.learning);
  s["target"] = "sin(2 pi t / " + std::to_string(period) + ")";
  s["learn_from_ms"] = task.learn_from_ms;
  s["learn_until_ms"] = task.learn_until_ms;
  s["t_ms"] = task.t_ms;
  s["rms_error_while_learning"] = rms(run, task.learn_from_ms, task.learn_until_ms);
  s["rms_error_after_learning"] = rms(run, task.learn_until_ms, task.t_ms);
  s["wall_s"] = wall_s;
  s["steps_per_s"] = static_cast<double>(run.t.size()) / wall_s;
  if (!out_dir.empty()) {
    std::filesystem::create_directories(out_dir);
    const std::filesystem::path dir(out_dir);
    write_npy((dir / "rnn_t.npy").string(), run.t);
    write_npy((dir / "rnn_output.npy").string(), run.output);
    write_npy((dir / "rnn_target.npy").string(), run.target);
    write_npy((dir / "rnn_error.npy").string(), run.error);
    write_json_file(s, (dir / "rnn_summary.json").string());
  }
  return s;
}

}  // namespace eisim
