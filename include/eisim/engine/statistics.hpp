// Spike-train statistics accumulated while the simulation runs (book Ch. 2): time-averaged rates,
// ISI coefficient of variation and Fano factor, all over the time after burn-in.
// docs/architecture.md, "The run loop".
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "eisim/engine/backend.hpp"
#include "eisim/engine/config.hpp"

namespace eisim {

struct PopulationStatistics {
  uint64_t spikes = 0;            // all spikes, burn-in included
  double rate_hz = 0.0;           // after burn-in, averaged over neurons (NaN: no time after burn-in)
  std::optional<double> cv_isi;   // mean over neurons with >= 5 spikes after burn-in
  std::optional<double> fano;     // mean over neurons of var/mean of 100 ms spike counts
  std::vector<double> rate_hz_windows;  // over consecutive windows of recording.rate_window_ms from t = 0
                                        // (the last may be shorter), up to the end of the run
};

class SpikeStatistics {
 public:
  static constexpr double kFanoWindowMs = 100.0;
  static constexpr int kMinSpikesForCv = 5;

  explicit SpikeStatistics(const NetworkSpec& spec);
  void add(const BlockOutput& block);
  // Over the run up to t_end_ms: the simulation's T, or less where the run was stopped early.
  PopulationStatistics population(int index, double t_end_ms) const;

 private:
  // One neuron's accumulators together, in one cache line: each spike touches one neuron at
  // random, and at 10^6 neurons separate arrays cost a cache miss per field.
  struct alignas(64) Accumulators {
    double last_spike = -1.0;  // ms; < 0: none yet after burn-in
    double isi_sum = 0.0, isi_sum_sq = 0.0;
    double count_sum = 0.0, count_sum_sq = 0.0;  // over finished Fano windows
    int64_t window = 0;        // Fano window of the count being accumulated
    uint32_t counted = 0;      // spikes after burn-in
    uint32_t window_count = 0;
  };
  int64_t whole_fano_windows(double t_end_ms) const;  // between burn-in and t_end_ms

  const NetworkSpec& spec_;
  int64_t windows_;  // whole Fano windows between burn-in and T
  std::vector<uint64_t> totals_;
  std::vector<std::vector<uint64_t>> window_counts_;  // per population, per rate window
  std::vector<std::vector<Accumulators>> neurons_;  // per population, per neuron
};

}  // namespace eisim
