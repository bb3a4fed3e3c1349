// The run loop (docs/architecture.md, "The run loop"): builds the network, steps the backend in blocks,
// and hands each block to the statistics, the progress display, an optional observer and the writer.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "eisim/engine/backend.hpp"
#include "eisim/engine/config.hpp"
#include "eisim/engine/statistics.hpp"

namespace eisim {

struct RunOptions {
  BackendKind backend = BackendKind::cpu;
  int threads = 1;              // for network construction
  std::string out_dir;         // empty: write nothing
  bool overwrite = false;      // replace an earlier run's files in out_dir (else refuse the folder)
  bool show_progress = false;
  BackendOptions backend_options;  // accumulation mode, steps per backend call
  // Checked after each block: once set, the run ends with the blocks already started, and
  // everything up to there is written and reported (Ctrl-C on the command line).
  const std::atomic<bool>* stop = nullptr;
};

// One rank's account of a run.
struct RankSeconds {
  double build_s = 0.0;          // network construction and backend set-up
  double loop_s = 0.0;           // the simulation loop
  double communication_s = 0.0;  // of loop_s, in exchanges with the other ranks (and waiting for them)
  double peak_rss_mib = 0.0;     // the process's peak resident memory
};

// On several ranks (RunOptions::backend_options.ranks) the report is rank 0's, and only rank 0's
// holds the statistics and files; every rank's holds the counts.
struct RunReport {
  std::string backend;
  AccumulationMode mode = AccumulationMode::deterministic;
  std::string device;  // what ran it, e.g. the GPU's name
  int threads = 1;
  int ranks = 1;
  std::vector<RankSeconds> rank_seconds;  // on rank 0: every rank's, in rank order
  double build_s = 0.0;  // network construction and backend set-up
  double wall_s = 0.0;   // the simulation loop alone
  double collect_s = 0.0;  // of wall_s, inside Backend::collect: computing (CPU), or waiting for and
                           // reading back the GPU; the rest is the loop's own handling of blocks
  bool interrupted = false;  // stopped before the end (RunOptions::stop)
  double t_sim_ms = 0.0;     // the time simulated: T, or where the run was stopped
  uint64_t synapses = 0;
  std::vector<uint64_t> projection_synapses;  // per projection
  std::vector<ProjectionDelivery> delivery;    // per projection, on rank 0
  std::vector<PopulationStatistics> populations;
  std::vector<uint64_t> steps_at_lower_bound;  // per population: neuron-steps the lower bound V_lb held
  std::vector<std::string> files;  // written into out_dir
};

using BlockObserver = std::function<void(const BlockOutput& block)>;

RunReport run_simulation(const NetworkSpec& spec, const RunOptions& options, const BlockObserver& observer = {});

}  // namespace eisim
