// Config sections: "recording" (docs/architecture.md, "Config reference").
#include "src/engine/config_sections.hpp"

#include <algorithm>
#include <cmath>

namespace eisim::config_detail {
namespace {

std::vector<WeightRecordingSpec> read_weight_recordings(const Fields& f, const std::vector<ProjectionSpec>& projections,
                                                        const SimulationSpec& sim) {
  std::vector<WeightRecordingSpec> out;
  const Json& list = f.raw("weights");
  if (!list.is_array()) throw ConfigError("recording.weights: expected an array");
  for (size_t k = 0; k < list.size(); ++k) {
    const Fields g(list[k], "recording.weights[" + std::to_string(k) + "]", f.params(),
                   {"projection", "every_steps", "sample"});
    WeightRecordingSpec w;
    const std::string name = g.text("projection");
    const auto it = std::find_if(projections.begin(), projections.end(),
                                 [&](const ProjectionSpec& p) { return p.name == name; });
    if (it == projections.end()) throw ConfigError(g.field("projection") + ": no projection named '" + name + "'");
    if (!it->plasticity) throw ConfigError(g.field("projection") + ": '" + name + "' is not plastic");
    w.projection = static_cast<int>(it - projections.begin());
    w.every_steps = g.whole("every_steps", 1, std::max<int64_t>(1, sim.n_steps() / 100));
    w.sample = g.whole("sample", 0, 10);
    out.push_back(w);
  }
  return out;
}

}  // namespace

RecordingSpec read_recording(const Json& config, Parameters& params, const std::vector<PopulationSpec>& pops,
                             const std::vector<ProjectionSpec>& projections, const SimulationSpec& sim) {
  RecordingSpec rec;
  rec.rate_window_ms = std::max(100.0, sim.t_ms / 50.0);
  if (!config.contains("recording")) return rec;
  const Fields f(config.at("recording"), "recording", params, {"spikes", "traces", "weights", "rate_window_ms"});
  if (f.has("weights")) rec.weights = read_weight_recordings(f, projections, sim);
  rec.rate_window_ms = f.number("rate_window_ms", rec.rate_window_ms);
  f.require(rec.rate_window_ms >= sim.dt_ms, "rate_window_ms", "must be at least dt", rec.rate_window_ms);
  if (f.has("spikes")) {
    const Json& names = f.raw("spikes");
    if (!names.is_array()) throw ConfigError("recording.spikes: expected an array of population names");
    for (const auto& name : names) {
      if (!name.is_string()) throw ConfigError("recording.spikes: expected population names, got " + show(name));
      rec.spike_populations.push_back(find_population(pops, name.get<std::string>(), "recording.spikes"));
    }
  }
  if (f.has("traces")) {
    const Json& list = f.raw("traces");
    if (!list.is_array()) throw ConfigError("recording.traces: expected an array");
    for (size_t k = 0; k < list.size(); ++k) {
      const Fields g(list[k], "recording.traces[" + std::to_string(k) + "]", params,
                     {"population", "neurons", "every_steps"});
      TraceSpec trace;
      trace.population = find_population(pops, g.text("population"), g.field("population"));
      for (const TraceSpec& other : rec.traces) {
        if (other.population == trace.population) {
          throw ConfigError(g.field("population") + ": '" + pops[trace.population].name +
                            "' is traced twice; list all its neurons in one entry");
        }
      }
      if (pops[trace.population].model == NeuronModel::poisson) {
        throw ConfigError(g.field("population") + ": a Poisson population has no V or currents to record");
      }
      const Json& neurons = g.raw("neurons");
      if (!neurons.is_array() || neurons.empty()) throw ConfigError(g.field("neurons") + ": expected a non-empty array");
      for (const auto& id : neurons) {
        const double value = params.evaluate(id, g.field("neurons"));
        if (value < 0 || value >= static_cast<double>(pops[trace.population].size) || value != std::floor(value)) {
          throw ConfigError(g.field("neurons") + ": " + fmt(value) + " is not a neuron index in [0, " +
                            std::to_string(pops[trace.population].size) + ")");
        }
        if (std::find(trace.neurons.begin(), trace.neurons.end(), static_cast<int64_t>(value)) != trace.neurons.end()) {
          throw ConfigError(g.field("neurons") + ": neuron " + fmt(value) + " is listed twice");
        }
        trace.neurons.push_back(static_cast<int64_t>(value));
      }
      trace.every_steps = g.whole("every_steps", 1, 1);
      rec.traces.push_back(trace);
    }
  }
  return rec;
}

}  // namespace eisim::config_detail
