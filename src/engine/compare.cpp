// `eisim compare`'s core: one network on the CPU reference and on another backend, kept in memory,
// and the first difference between their spike trains;
// docs/architecture.md, "Command line".
#include "eisim/engine/compare.hpp"

#include <cmath>

namespace eisim {
namespace {

template <typename T>
void append(std::vector<T>& to, const std::vector<T>& from) {
  to.insert(to.end(), from.begin(), from.end());
}

nlohmann::ordered_json relative(const std::optional<double>& a, const std::optional<double>& b) {
  if (!a || !b || *a == 0.0) return nullptr;
  return (*b - *a) / *a;
}

nlohmann::ordered_json value(const std::optional<double>& x) { return x ? nlohmann::ordered_json(*x) : nullptr; }

}  // namespace

RecordedRun record_run(const NetworkSpec& spec, const RunOptions& options) {
  RecordedRun run;
  run.spikes.resize(spec.populations.size());
  run.traces.resize(spec.recording.traces.size());
  run.weights.resize(spec.recording.weights.size());
  run.report = run_simulation(spec, options, [&](const BlockOutput& block) {
    for (size_t a = 0; a < block.spikes.size(); ++a) {
      append(run.spikes[a].step, block.spikes[a].step);
      append(run.spikes[a].neuron, block.spikes[a].neuron);
    }
    for (size_t k = 0; k < block.traces.size(); ++k) {
      append(run.traces[k].step, block.traces[k].step);
      append(run.traces[k].values, block.traces[k].values);
    }
    for (size_t k = 0; k < block.weights.size(); ++k) {
      append(run.weights[k].step, block.weights[k].step);
      append(run.weights[k].mean, block.weights[k].mean);
      append(run.weights[k].sample, block.weights[k].sample);
    }
  });
  return run;
}

SpikeTrainDifference first_difference(const NetworkSpec& spec, const RecordedRun& a, const RecordedRun& b) {
  SpikeTrainDifference d;
  const double dt = spec.simulation.dt_ms;
  for (size_t p = 0; p < spec.populations.size(); ++p) {
    const SpikeRecord& x = a.spikes[p];
    const SpikeRecord& y = b.spikes[p];
    const size_t common = std::min(x.step.size(), y.step.size());
    for (size_t k = 0; k <= common; ++k) {
      const bool x_ended = k == x.step.size(), y_ended = k == y.step.size();
      if (x_ended && y_ended) break;
      if (!x_ended && !y_ended && x.step[k] == y.step[k] && x.neuron[k] == y.neuron[k]) continue;
      d.identical = false;
      d.population = spec.populations[p].name;
      d.index = static_cast<int64_t>(k);
      auto describe = [&](const SpikeRecord& r, bool ended) {
        return ended ? std::string("no more spikes")
                     : "neuron " + std::to_string(r.neuron[k]) + " at " + std::to_string((r.step[k] + 1) * dt) + " ms";
      };
      d.detail = spec.populations[p].name + " spike #" + std::to_string(k) + ": " + describe(x, x_ended) +
                 " vs " + describe(y, y_ended);
      return d;
    }
  }
  return d;
}

nlohmann::ordered_json compare_backends(const NetworkSpec& spec, const RunOptions& other) {
  RunOptions reference = other;
  reference.backend = BackendKind::cpu;
  reference.backend_options.mode = AccumulationMode::deterministic;  // the CPU has no other mode
  reference.backend_options.delivery = Delivery::rows;                // nor another layout
  reference.out_dir.clear();
  RunOptions candidate = other;
  candidate.out_dir.clear();
  require_backend(candidate.backend);  // before the CPU spends its time
  require_runnable(candidate.backend, spec, candidate.backend_options);
  const RecordedRun cpu = record_run(spec, reference);
  const RecordedRun gpu = record_run(spec, candidate);

  nlohmann::ordered_json out;
  out["reference"] = cpu.report.backend;
  out["candidate"] = gpu.report.backend;
  out["mode"] = mode_name(gpu.report.mode);  // the candidate's; the CPU reference is always deterministic
  out["reference_mode"] = mode_name(cpu.report.mode);
  out["device"] = gpu.report.device;
  const SpikeTrainDifference d = first_difference(spec, cpu, gpu);
  out["identical_spikes"] = d.identical;
  if (!d.identical) out["first_difference"] = d.detail;
  out["wall_s"] = {cpu.report.wall_s, gpu.report.wall_s};  // reference, candidate
  nlohmann::ordered_json pops;
  for (size_t p = 0; p < spec.populations.size(); ++p) {
    const PopulationStatistics& x = cpu.report.populations[p];
    const PopulationStatistics& y = gpu.report.populations[p];
    pops[spec.populations[p].name] = {
        {"rate_hz", {x.rate_hz, y.rate_hz}}, {"rate_rel_diff", relative(x.rate_hz, y.rate_hz)},
        {"cv_isi", {value(x.cv_isi), value(y.cv_isi)}}, {"cv_rel_diff", relative(x.cv_isi, y.cv_isi)},
        {"fano", {value(x.fano), value(y.fano)}}, {"fano_rel_diff", relative(x.fano, y.fano)}};
  }
  out["populations"] = pops;
  return out;
}

}  // namespace eisim
