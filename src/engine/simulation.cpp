// The run loop: refuse what cannot run, build, step the backend in blocks one ahead, hand each
// block on; on several ranks, each computes its share and rank 0 reports and writes.
// docs/architecture.md, "The run loop" and "Running on several ranks".
#include "eisim/engine/simulation.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <memory>
#include <string>

#include "eisim/cluster/partition.hpp"
#include "eisim/engine/network.hpp"
#include "eisim/engine/output_writer.hpp"
#include "eisim/engine/progress.hpp"

namespace eisim {
namespace {
double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double peak_resident_mib() {
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}

// The tests' way to kill one rank mid-run (EISIM_TEST_KILL_RANK=r): the others must not hang.
void die_here_if_asked(const Communicator& ranks) {
  const char* victim = std::getenv("EISIM_TEST_KILL_RANK");
  if (victim && std::string(victim) == std::to_string(ranks.rank())) std::raise(SIGKILL);
}

// Every rank's seconds and memory, on rank 0.
std::vector<RankSeconds> gather_rank_seconds(Communicator& ranks, const RankSeconds& mine) {
  const std::vector<double> all =
      gather(ranks, std::vector<double>{mine.build_s, mine.loop_s, mine.communication_s, mine.peak_rss_mib});
  std::vector<RankSeconds> out;
  for (size_t r = 0; r + 3 < all.size(); r += 4) out.push_back(RankSeconds{all[r], all[r + 1], all[r + 2], all[r + 3]});
  return out;
}
}  // namespace

RunReport run_simulation(const NetworkSpec& spec, const RunOptions& options, const BlockObserver& observer) {
  Communicator& ranks = options.backend_options.ranks ? *options.backend_options.ranks : one_process();
  const bool root = ranks.rank() == 0;
  RunReport report;
  report.threads = std::max(1, options.threads);
  report.ranks = ranks.size();
  std::unique_ptr<OutputWriter> writer;
  // Refuse what cannot run before any file is written or synapse built, on every rank alike.
  run_on_every_rank(ranks, [&] {
    require_backend(options.backend);
    require_runnable(options.backend, spec, options.backend_options);
    if (root && !options.out_dir.empty()) {
      prepare_output_folder(options.out_dir, options.overwrite);
      writer = std::make_unique<OutputWriter>(spec, options.out_dir);
    }
  });

  Progress progress(spec, options.show_progress && root);
  progress.building(backend_name(options.backend), report.threads);
  const auto build_start = std::chrono::steady_clock::now();
  const Partition share = partition(spec, ranks.rank(), ranks.size());
  const Network net = build_network(spec, report.threads, projections_built_on_host(options.backend, spec), &share);
  std::unique_ptr<Backend> backend = make_backend(options.backend, spec, net, options.backend_options);
  report.build_s = seconds_since(build_start);
  std::vector<SampledSynapses> sampled;
  for (size_t r = 0; r < spec.recording.weights.size(); ++r) {
    sampled.push_back(backend->sampled_synapses(static_cast<int>(r)));
  }
  if (writer) writer->open_weight_files(sampled);
  report.backend = backend->name();
  report.mode = backend->mode();
  report.device = backend->device();
  report.projection_synapses = backend->synapse_counts();
  report.delivery = backend->projection_delivery();
  for (uint64_t count : report.projection_synapses) report.synapses += count;
  progress.built(report.build_s, report.synapses);

  // Rank 0 has every rank's spikes (they travel to all in the exchange) and keeps the statistics.
  std::unique_ptr<SpikeStatistics> statistics = root ? std::make_unique<SpikeStatistics>(spec) : nullptr;
  const int64_t n_steps = spec.simulation.n_steps();
  const int64_t block = std::max<int64_t>(1, options.backend_options.block_steps);
  int64_t steps_done = 0;
  const double communication_before_loop = ranks.seconds();
  const auto loop_start = std::chrono::steady_clock::now();
  // One block ahead: the backend computes block k + 1 while block k is handled here.
  if (n_steps > 0) backend->start(0, std::min(block, n_steps));
  for (int64_t first = 0; first < n_steps; first += block) {
    const int64_t count = std::min(block, n_steps - first), next = first + count;
    // All ranks stop after the same block, whichever of them was asked to.
    const bool stopping = ranks.max(options.stop && options.stop->load() ? 1 : 0) > 0;
    if (next < n_steps && !stopping) backend->start(next, std::min(block, n_steps - next));
    BlockOutput out;
    out.reset(spec);
    const auto collect_start = std::chrono::steady_clock::now();
    backend->collect(out);
    report.collect_s += seconds_since(collect_start);
    steps_done = next;
    if (first == 0) die_here_if_asked(ranks);
    if (root) {
      statistics->add(out);
      if (observer) observer(out);
      progress.update(first + count, out, seconds_since(loop_start));
      if (writer) writer->submit(std::move(out));
    }
    if (stopping) break;
  }
  report.interrupted = steps_done < n_steps;
  report.t_sim_ms =
      report.interrupted ? static_cast<double>(steps_done) * spec.simulation.dt_ms : spec.simulation.t_ms;
  report.wall_s = seconds_since(loop_start);
  report.steps_at_lower_bound = backend->steps_at_lower_bound();
  const RankSeconds mine{report.build_s, report.wall_s, ranks.seconds() - communication_before_loop,
                         peak_resident_mib()};
  report.rank_seconds = gather_rank_seconds(ranks, mine);
  progress.finish();
  if (writer) {
    writer->finish();
    report.files = writer->files();
  }
  if (root) {
    for (size_t a = 0; a < spec.populations.size(); ++a) {
      report.populations.push_back(statistics->population(static_cast<int>(a), report.t_sim_ms));
    }
  }
  return report;
}

}  // namespace eisim
