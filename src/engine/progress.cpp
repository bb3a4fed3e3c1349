// Progress of a run on stderr: a line rewritten on a terminal, a log line now and then elsewhere;
// docs/architecture.md, "The run loop".
#include "eisim/engine/progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <string>

#include "eisim/engine/network.hpp"

namespace eisim {
namespace {
constexpr double kTerminalPeriodS = 0.2;  // redraw rate on a terminal
constexpr int kLogLines = 10;             // lines per run in a log...
constexpr double kLogPeriodS = 30.0;      // ...or one every 30 s of a long run
}  // namespace

Progress::Progress(const NetworkSpec& spec, bool enabled, std::FILE* stream)
    : spec_(spec),
      enabled_(enabled),
      terminal_(isatty(fileno(stream)) != 0),
      stream_(stream),
      spikes_since_report_(spec.populations.size(), 0),
      next_log_step_(spec.simulation.n_steps() / kLogLines) {}

void Progress::building(const std::string& backend, int threads) {
  if (!enabled_) return;
  double synapses = 0;
  for (size_t k = 0; k < spec_.projections.size(); ++k) synapses += expected_synapses(spec_, k);
  std::fprintf(stream_, "building the network: %lld neurons, about %.3g synapses (%s backend, %d threads)\n",
               static_cast<long long>(spec_.total_neurons()), synapses, backend.c_str(), threads);
  std::fflush(stream_);
}

void Progress::built(double seconds, uint64_t synapses) {
  if (!enabled_) return;
  std::fprintf(stream_, "built in %.1f s: %llu synapses\n", seconds, static_cast<unsigned long long>(synapses));
  std::fflush(stream_);
}

void Progress::update(int64_t steps_done, const BlockOutput& block, double wall_s) {
  if (!enabled_) return;
  for (size_t a = 0; a < block.spikes.size(); ++a) spikes_since_report_[a] += block.spikes[a].step.size();
  const bool due = terminal_ ? wall_s - wall_at_report_ >= kTerminalPeriodS
                             : steps_done >= next_log_step_ || wall_s - wall_at_report_ >= kLogPeriodS;
  if (due) report(steps_done, wall_s);
}

void Progress::report(int64_t steps_done, double wall_s) {
  const double dt = spec_.simulation.dt_ms;
  const double t_ms = static_cast<double>(steps_done) * dt;
  const double window_s = static_cast<double>(steps_done - steps_at_report_) * dt / 1000.0;
  const double factor = t_ms > 0 ? wall_s / (t_ms / 1000.0) : 0.0;
  std::string rates;
  for (size_t a = 0; a < spikes_since_report_.size(); ++a) {
    const double hz = window_s > 0 ? spikes_since_report_[a] / (window_s * spec_.populations[a].size) : 0.0;
    char item[96];
    std::snprintf(item, sizeof item, " %s %.2f Hz", spec_.populations[a].name.c_str(), hz);
    rates += item;
    spikes_since_report_[a] = 0;
  }
  std::fprintf(stream_, "%st = %.0f / %.0f ms | wall %.1f s | %.3f s per simulated s |%s%s", terminal_ ? "\r" : "",
               t_ms, spec_.simulation.t_ms, wall_s, factor, rates.c_str(), terminal_ ? "\033[K" : "\n");
  std::fflush(stream_);
  steps_at_report_ = steps_done;
  wall_at_report_ = wall_s;
  while (next_log_step_ <= steps_done) next_log_step_ += std::max<int64_t>(1, spec_.simulation.n_steps() / kLogLines);
}

void Progress::finish() {
  if (enabled_ && terminal_) std::fprintf(stream_, "\n");
}

}  // namespace eisim
