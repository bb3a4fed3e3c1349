// The run loop: refuse what cannot run, build, step the backend in blocks one ahead, hand each
// block on;
// docs/architecture.md, "The run loop".
#include "eisim/engine/simulation.hpp"

#include <algorithm>
#include <chrono>
#include <memory>

#include "eisim/engine/network.hpp"
#include "eisim/engine/output_writer.hpp"
#include "eisim/engine/progress.hpp"

namespace eisim {
namespace {
double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}
}  // namespace

RunReport run_simulation(const NetworkSpec& spec, const RunOptions& options, const BlockObserver& observer) {
  // Refuse what cannot run before any file is written or synapse built.
  require_backend(options.backend);
  require_runnable(options.backend, spec, options.backend_options);
  RunReport report;
  report.threads = std::max(1, options.threads);
  std::unique_ptr<OutputWriter> writer;
  if (!options.out_dir.empty()) {
    prepare_output_folder(options.out_dir, options.overwrite);
    writer = std::make_unique<OutputWriter>(spec, options.out_dir);
  }

  Progress progress(spec, options.show_progress);
  progress.building(backend_name(options.backend), report.threads);
  const auto build_start = std::chrono::steady_clock::now();
  const Network net = build_network(spec, report.threads, projections_built_on_host(options.backend, spec));
  std::unique_ptr<Backend> backend = make_backend(options.backend, spec, net, options.backend_options);
  report.build_s = seconds_since(build_start);
  if (writer) {
    std::vector<SampledSynapses> sampled;
    for (const WeightRecordingSpec& w : spec.recording.weights) sampled.push_back(backend->sampled_synapses(w));
    writer->open_weight_files(sampled);
  }
  report.backend = backend->name();
  report.mode = backend->mode();
  report.device = backend->device();
  report.projection_synapses = backend->synapse_counts();
  for (uint64_t count : report.projection_synapses) report.synapses += count;
  progress.built(report.build_s, report.synapses);

  SpikeStatistics statistics(spec);
  const int64_t n_steps = spec.simulation.n_steps();
  const int64_t block = std::max<int64_t>(1, options.backend_options.block_steps);
  int64_t steps_done = 0;
  const auto loop_start = std::chrono::steady_clock::now();
  // One block ahead: the backend computes block k + 1 while block k is handled here.
  if (n_steps > 0) backend->start(0, std::min(block, n_steps));
  for (int64_t first = 0; first < n_steps; first += block) {
    const int64_t count = std::min(block, n_steps - first), next = first + count;
    const bool stopping = options.stop && options.stop->load();
    if (next < n_steps && !stopping) backend->start(next, std::min(block, n_steps - next));
    BlockOutput out;
    out.reset(spec);
    const auto collect_start = std::chrono::steady_clock::now();
    backend->collect(out);
    report.collect_s += seconds_since(collect_start);
    statistics.add(out);
    if (observer) observer(out);
    progress.update(first + count, out, seconds_since(loop_start));
    if (writer) writer->submit(std::move(out));
    steps_done = next;
    if (stopping) break;
  }
  report.interrupted = steps_done < n_steps;
  report.t_sim_ms =
      report.interrupted ? static_cast<double>(steps_done) * spec.simulation.dt_ms : spec.simulation.t_ms;
  report.wall_s = seconds_since(loop_start);
  report.steps_at_lower_bound = backend->steps_at_lower_bound();
  progress.finish();
  if (writer) {
    writer->finish();
    report.files = writer->files();
  }
  for (size_t a = 0; a < spec.populations.size(); ++a) {
    report.populations.push_back(statistics.population(static_cast<int>(a), report.t_sim_ms));
  }
  return report;
}

}  // namespace eisim
