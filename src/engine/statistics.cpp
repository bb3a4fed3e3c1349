// Spike-train statistics accumulated while the run goes on (book Ch. 2): rates, ISI CV, Fano factor;
// docs/architecture.md, "The run loop".
#include "eisim/engine/statistics.hpp"

#include <algorithm>
#include <cmath>

namespace eisim {

SpikeStatistics::SpikeStatistics(const NetworkSpec& spec)
    : spec_(spec),
      windows_(whole_fano_windows(spec.simulation.t_ms)),
      totals_(spec.populations.size(), 0),
      neurons_(spec.populations.size()) {
  const auto rate_windows = static_cast<size_t>(std::ceil(spec.simulation.t_ms / spec.recording.rate_window_ms - 1e-9));
  window_counts_.assign(spec.populations.size(), std::vector<uint64_t>(rate_windows, 0));
  for (size_t a = 0; a < neurons_.size(); ++a) neurons_[a].resize(static_cast<size_t>(spec.populations[a].size));
}

int64_t SpikeStatistics::whole_fano_windows(double t_end_ms) const {
  const double after_burn_in = t_end_ms - spec_.simulation.burn_in_ms;
  return after_burn_in > 0 ? static_cast<int64_t>(std::floor(after_burn_in / kFanoWindowMs + 1e-9)) : 0;
}

void SpikeStatistics::add(const BlockOutput& block) {
  const double dt = spec_.simulation.dt_ms;
  const double burn_in = spec_.simulation.burn_in_ms;
  for (size_t a = 0; a < block.spikes.size(); ++a) {
    const SpikeRecord& record = block.spikes[a];
    totals_[a] += record.step.size();
    std::vector<uint64_t>& windows = window_counts_[a];
    for (int64_t step : record.step) {  // by the step's start time t_n
      const auto w = static_cast<size_t>(static_cast<double>(step) * dt / spec_.recording.rate_window_ms);
      ++windows[std::min(w, windows.size() - 1)];
    }
    for (size_t k = 0; k < record.step.size(); ++k) {
      const double t = static_cast<double>(record.step[k] + 1) * dt;
      if (t <= burn_in) continue;
      Accumulators& n = neurons_[a][record.neuron[k]];
      ++n.counted;
      if (n.last_spike >= 0) {
        const double isi = t - n.last_spike;
        n.isi_sum += isi;
        n.isi_sum_sq += isi * isi;
      }
      n.last_spike = t;
      const int64_t w = static_cast<int64_t>((t - burn_in) / kFanoWindowMs);
      if (w >= windows_) continue;
      if (w != n.window) {  // windows in between had no spike: they add nothing to the sums
        n.count_sum += n.window_count;
        n.count_sum_sq += static_cast<double>(n.window_count) * n.window_count;
        n.window = w;
        n.window_count = 0;
      }
      ++n.window_count;
    }
  }
}

PopulationStatistics SpikeStatistics::population(int index, double t_end_ms) const {
  const double n = static_cast<double>(spec_.populations[index].size);
  const double duration_s = (t_end_ms - spec_.simulation.burn_in_ms) / 1000.0;
  PopulationStatistics out;
  out.spikes = totals_[index];

  double counted = 0, cv_sum = 0, fano_sum = 0;
  int64_t cv_neurons = 0, fano_neurons = 0;
  // Whole Fano windows before t_end_ms; a run stopped early leaves its last window unfinished.
  const int64_t windows = whole_fano_windows(t_end_ms);
  const double W = static_cast<double>(windows);
  for (const Accumulators& s : neurons_[index]) {
    counted += s.counted;
    if (s.counted >= kMinSpikesForCv) {
      const double m = s.counted - 1.0;  // number of intervals
      const double mean = s.isi_sum / m;
      const double var = (s.isi_sum_sq - m * mean * mean) / (m - 1.0);
      cv_sum += std::sqrt(std::max(var, 0.0)) / mean;
      ++cv_neurons;
    }
    const uint32_t last = s.window < windows ? s.window_count : 0;
    const double sum = s.count_sum + last;
    const double sum_sq = s.count_sum_sq + static_cast<double>(last) * last;
    if (windows >= 2 && sum > 0) {
      const double mean = sum / W;
      const double var = (sum_sq - W * mean * mean) / (W - 1.0);
      fano_sum += var / mean;
      ++fano_neurons;
    }
  }
  out.rate_hz = duration_s > 0 ? counted / (n * duration_s) : std::nan("");
  const double window = spec_.recording.rate_window_ms;
  for (size_t w = 0; w < window_counts_[index].size() && static_cast<double>(w) * window < t_end_ms - 1e-9; ++w) {
    const double length_ms = std::min(window, t_end_ms - static_cast<double>(w) * window);
    out.rate_hz_windows.push_back(static_cast<double>(window_counts_[index][w]) / (n * length_ms / 1000.0));
  }
  if (cv_neurons > 0) out.cv_isi = cv_sum / static_cast<double>(cv_neurons);
  if (fano_neurons > 0) out.fano = fano_sum / static_cast<double>(fano_neurons);
  return out;
}

}  // namespace eisim
