#include "eisim/statistics.hpp"

#include <algorithm>
#include <cmath>

namespace eisim {

SpikeStatistics::SpikeStatistics(const NetworkSpec& spec)
    : spec_(spec),
      windows_(static_cast<int64_t>(std::floor((spec.simulation.t_ms - spec.simulation.burn_in_ms) / kFanoWindowMs +
                                               1e-9))),
      totals_(spec.populations.size(), 0),
      neurons_(spec.populations.size()) {
  const auto rate_windows = static_cast<size_t>(std::ceil(spec.simulation.t_ms / spec.recording.rate_window_ms - 1e-9));
  window_counts_.assign(spec.populations.size(), std::vector<uint64_t>(rate_windows, 0));
  for (size_t a = 0; a < neurons_.size(); ++a) {
    const size_t n = static_cast<size_t>(spec.populations[a].size);
    PerNeuron& s = neurons_[a];
    s.counted.assign(n, 0);
    s.last_spike.assign(n, -1.0);
    s.isi_sum.assign(n, 0.0);
    s.isi_sum_sq.assign(n, 0.0);
    s.window.assign(n, 0);
    s.window_count.assign(n, 0);
    s.count_sum.assign(n, 0.0);
    s.count_sum_sq.assign(n, 0.0);
  }
}

void SpikeStatistics::add(const BlockOutput& block) {
  const double dt = spec_.simulation.dt_ms;
  const double burn_in = spec_.simulation.burn_in_ms;
  for (size_t a = 0; a < block.spikes.size(); ++a) {
    const SpikeRecord& record = block.spikes[a];
    PerNeuron& s = neurons_[a];
    totals_[a] += record.step.size();
    std::vector<uint64_t>& windows = window_counts_[a];
    for (int64_t step : record.step) {  // by the step's start time t_n
      const auto w = static_cast<size_t>(static_cast<double>(step) * dt / spec_.recording.rate_window_ms);
      ++windows[std::min(w, windows.size() - 1)];
    }
    for (size_t k = 0; k < record.step.size(); ++k) {
      const double t = static_cast<double>(record.step[k] + 1) * dt;
      if (t <= burn_in) continue;
      const uint32_t j = record.neuron[k];
      ++s.counted[j];
      if (s.last_spike[j] >= 0) {
        const double isi = t - s.last_spike[j];
        s.isi_sum[j] += isi;
        s.isi_sum_sq[j] += isi * isi;
      }
      s.last_spike[j] = t;
      const int64_t w = static_cast<int64_t>((t - burn_in) / kFanoWindowMs);
      if (w >= windows_) continue;
      if (w != s.window[j]) {  // windows in between had no spike: they add nothing to the sums
        s.count_sum[j] += s.window_count[j];
        s.count_sum_sq[j] += static_cast<double>(s.window_count[j]) * s.window_count[j];
        s.window[j] = w;
        s.window_count[j] = 0;
      }
      ++s.window_count[j];
    }
  }
}

PopulationStatistics SpikeStatistics::population(int index) const {
  const PerNeuron& s = neurons_[index];
  const double n = static_cast<double>(spec_.populations[index].size);
  const double duration_s = (spec_.simulation.t_ms - spec_.simulation.burn_in_ms) / 1000.0;
  PopulationStatistics out;
  out.spikes = totals_[index];

  double counted = 0, cv_sum = 0, fano_sum = 0;
  int64_t cv_neurons = 0, fano_neurons = 0;
  const double W = static_cast<double>(windows_);
  for (size_t j = 0; j < s.counted.size(); ++j) {
    counted += s.counted[j];
    if (s.counted[j] >= kMinSpikesForCv) {
      const double m = s.counted[j] - 1.0;  // number of intervals
      const double mean = s.isi_sum[j] / m;
      const double var = (s.isi_sum_sq[j] - m * mean * mean) / (m - 1.0);
      cv_sum += std::sqrt(std::max(var, 0.0)) / mean;
      ++cv_neurons;
    }
    const double sum = s.count_sum[j] + s.window_count[j];
    const double sum_sq = s.count_sum_sq[j] + static_cast<double>(s.window_count[j]) * s.window_count[j];
    if (windows_ >= 2 && sum > 0) {
      const double mean = sum / W;
      const double var = (sum_sq - W * mean * mean) / (W - 1.0);
      fano_sum += var / mean;
      ++fano_neurons;
    }
  }
  out.rate_hz = counted / (n * duration_s);
  const double window = spec_.recording.rate_window_ms;
  for (size_t w = 0; w < window_counts_[index].size(); ++w) {
    const double length_ms = std::min(window, spec_.simulation.t_ms - static_cast<double>(w) * window);
    out.rate_hz_windows.push_back(static_cast<double>(window_counts_[index][w]) / (n * length_ms / 1000.0));
  }
  if (cv_neurons > 0) out.cv_isi = cv_sum / static_cast<double>(cv_neurons);
  if (fano_neurons > 0) out.fano = fano_sum / static_cast<double>(fano_neurons);
  return out;
}

}  // namespace eisim
