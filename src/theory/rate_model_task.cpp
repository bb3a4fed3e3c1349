// `eisim ratemodel`: the config's rate model integrated from r = 0, written to a folder;
// docs/architecture.md, "Command line".
#include "eisim/theory/rate_model_task.hpp"

#include <chrono>
#include <filesystem>

#include "eisim/engine/backend.hpp"
#include "eisim/errors.hpp"
#include "eisim/theory/meanfield.hpp"
#include "eisim/engine/npy.hpp"
#include "eisim/engine/json_file.hpp"
#if defined(EISIM_WITH_CUDA)
#include "eisim/theory/cuda_models.hpp"
#endif

namespace eisim {

nlohmann::ordered_json run_rate_model(const NetworkSpec& spec, const RateModelTask& task, const std::string& out_dir) {
  if (!(task.dt_ms > 0) || !(task.t_ms >= task.dt_ms) || !(task.record_every_ms >= task.dt_ms)) {
    throw UsageError("ratemodel: need dt > 0, T >= dt and --every >= dt");
  }
  // What memory and a run of minutes allow; each step costs a few operations per population pair.
  if (task.t_ms / task.dt_ms > 1e9) throw UsageError("ratemodel: --T / --dt must be at most 10^9 steps");
  if (task.t_ms / task.record_every_ms > 1e8) throw UsageError("ratemodel: --T / --every must be at most 10^8 samples");
  require_backend(task.backend);
  const RateNetwork net = mean_field_rate_network(spec, task.f, task.tau_ms);
  if (net.size() == 0) throw ConfigError("ratemodel: the config has no spiking (eif or lif) population");
  const Eigen::VectorXd r0 = Eigen::VectorXd::Zero(net.size());
  const int every = static_cast<int>(std::lround(task.record_every_ms / task.dt_ms));
  const auto start = std::chrono::steady_clock::now();
  const Trajectory run =
#if defined(EISIM_WITH_CUDA)
      task.backend == BackendKind::cuda ? integrate_cuda(net, r0, task.dt_ms, task.t_ms, every) :
#endif
                             integrate(net, r0, task.dt_ms, task.t_ms, every);
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // A rate model that blows up (a gain too high for its fixed point to be stable) has no trajectory to show.
  for (Eigen::Index k = 0; k < run.r.cols(); ++k) {
    if (!run.r.col(k).allFinite()) {
      throw UsageError("ratemodel: the rates overflow by t = " + std::to_string(run.t(k)) +
                       " ms: the rate model is unstable at this gain; lower --gain or shorten --T");
    }
  }

  nlohmann::ordered_json s;
  s["backend"] = backend_name(task.backend);
  s["device"] = device_description(task.backend);
  nlohmann::ordered_json names = nlohmann::ordered_json::array();
  for (const PopulationSpec& pop : spec.populations) {
    if (pop.model == NeuronModel::eif || pop.model == NeuronModel::lif) names.push_back(pop.name);
  }
  s["populations"] = names;
  s["gain_hz_per_mv"] = 1000.0 * task.f.gain;
  s["threshold_mv"] = task.f.threshold;
  s["tau_ms"] = std::vector<double>(net.tau.data(), net.tau.data() + net.tau.size());
  s["final_rates_hz"] = std::vector<double>();
  for (Eigen::Index a = 0; a < net.size(); ++a) s["final_rates_hz"].push_back(1000.0 * run.r(a, run.r.cols() - 1));
  if (const auto fixed = threshold_linear_fixed_point(net)) {
    const Stability stability = classify(jacobian(net, *fixed));
    s["fixed_point_hz"] = std::vector<double>();
    for (Eigen::Index a = 0; a < net.size(); ++a) s["fixed_point_hz"].push_back(1000.0 * (*fixed)(a));
    s["verdict"] = stability.verdict;
  }
  s["wall_s"] = wall_s;
  if (!out_dir.empty()) {
    std::filesystem::create_directories(out_dir);
    const std::filesystem::path dir(out_dir);
    write_npy((dir / "ratemodel_t.npy").string(), std::vector<double>(run.t.data(), run.t.data() + run.t.size()));
    std::vector<double> rates;  // (samples, populations), in Hz
    for (Eigen::Index k = 0; k < run.r.cols(); ++k) {
      for (Eigen::Index a = 0; a < net.size(); ++a) rates.push_back(1000.0 * run.r(a, k));
    }
    write_npy((dir / "ratemodel_rates_hz.npy").string(), rates, static_cast<size_t>(net.size()));
    write_json_file(s, (dir / "ratemodel_summary.json").string());
  }
  return s;
}

}  // namespace eisim
