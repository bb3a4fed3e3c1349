// summary.json: what a run computed, for people and scripts, with the balanced-state prediction
// of the theory beside the measured rates;
// docs/architecture.md, "Outputs".
#include "eisim/cli/summary.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>

#include "eisim/cli/run_warnings.hpp"
#include "eisim/cluster/spike_exchange.hpp"
#include "eisim/errors.hpp"
#include "eisim/theory/meanfield.hpp"

namespace eisim {
namespace {
nlohmann::ordered_json optional_number(const std::optional<double>& value) {
  return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json(nullptr);
}
}  // namespace

nlohmann::ordered_json make_summary(const NetworkSpec& spec, const RunReport& report, const std::string& config_path) {
  nlohmann::ordered_json s;
  s["config"] = config_path;
  s["backend"] = report.backend;
  s["mode"] = mode_name(report.mode);
  s["device"] = report.device;
  s["threads"] = report.threads;
  s["ranks"] = report.ranks;
  s["exchange_every_steps"] = exchange_interval(spec);
  s["t_sim_ms"] = report.t_sim_ms;
  s["interrupted"] = report.interrupted;
  if (report.interrupted) s["t_requested_ms"] = spec.simulation.t_ms;
  s["dt_ms"] = spec.simulation.dt_ms;
  s["burn_in_ms"] = spec.simulation.burn_in_ms;
  s["seed"] = spec.simulation.seed;
  s["parameters"] = spec.parameters;
  s["neurons"] = spec.total_neurons();
  s["synapses"] = report.synapses;
  s["build_s"] = report.build_s;
  s["wall_s"] = report.wall_s;
  s["wall_s_per_simulated_s"] = report.t_sim_ms > 0 ? report.wall_s / (report.t_sim_ms / 1000.0) : 0.0;
  s["collect_s"] = report.collect_s;
  s["steps"] = static_cast<int64_t>(std::llround(report.t_sim_ms / spec.simulation.dt_ms));
  auto ranks = nlohmann::ordered_json::array();
  for (size_t r = 0; r < report.rank_seconds.size(); ++r) {
    const RankSeconds& seconds = report.rank_seconds[r];
    ranks.push_back({{"rank", r},
                     {"build_s", seconds.build_s},
                     {"loop_s", seconds.loop_s},
                     {"communication_s", seconds.communication_s},
                     {"peak_rss_mb", seconds.peak_rss_mib}});
  }
  s["rank_seconds"] = ranks;
  nlohmann::ordered_json delivery = nlohmann::ordered_json::object();
  for (size_t k = 0; k < report.delivery.size(); ++k) {
    delivery[spec.projections[k].name] = {{"layout", delivery_name(report.delivery[k].layout)},
                                          {"bytes_per_synapse", report.delivery[k].bytes_per_synapse}};
  }
  s["delivery"] = delivery;
  s["rate_window_ms"] = spec.recording.rate_window_ms;

  const std::vector<int>& recorded = spec.recording.spike_populations;
  nlohmann::ordered_json pops = nlohmann::ordered_json::object();
  for (size_t a = 0; a < spec.populations.size(); ++a) {
    const PopulationStatistics& stats = report.populations[a];
    nlohmann::ordered_json p;
    p["n"] = spec.populations[a].size;
    p["model"] = model_name(spec.populations[a].model);
    p["rate_hz"] = std::isnan(stats.rate_hz) ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(stats.rate_hz);
    p["cv_isi"] = optional_number(stats.cv_isi);
    p["fano"] = optional_number(stats.fano);
    p["spikes"] = stats.spikes;
    p["rate_hz_windows"] = stats.rate_hz_windows;
    p["recorded"] = std::find(recorded.begin(), recorded.end(), static_cast<int>(a)) != recorded.end();
    if (const auto fraction = lower_bound_fraction(spec, report, static_cast<int>(a))) {
      p["lower_bound_fraction"] = *fraction;  // of neuron-steps, whose V the bound V_lb held
    }
    pops[spec.populations[a].name] = p;
  }
  s["populations"] = pops;
  // Synaptic events: every spike of a presynaptic population reaches each of its row's targets.
  double events = 0;
  for (size_t k = 0; k < spec.projections.size(); ++k) {
    const int pre = spec.projections[k].pre;
    events += static_cast<double>(report.populations[pre].spikes) * static_cast<double>(report.projection_synapses[k]) /
              static_cast<double>(spec.populations[pre].size);
  }
  s["synaptic_events"] = events;
  s["synaptic_events_per_wall_s"] = report.wall_s > 0 ? events / report.wall_s : 0.0;
  if (const auto balanced = balanced_state_rates(spec)) {
    nlohmann::ordered_json rates;
    for (size_t k = 0; k < balanced->populations.size(); ++k) {
      rates[spec.populations[balanced->populations[k]].name] = balanced->rates_hz[k];
    }
    s["balanced_rates_hz"] = rates;
  }
  s["warnings"] = run_warnings(spec, report);
  s["files"] = report.files;
  return s;
}
}  // namespace eisim
