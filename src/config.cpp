// Reads a JSON network description into a NetworkSpec. Every number may be an expression in the
// "parameters" block; every error names the field (e.g. populations.E.size) and the bad value.
#include "eisim/config.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>

#include "config_overrides.hpp"
#include "eisim/errors.hpp"
#include "eisim/expression.hpp"

namespace eisim {
namespace {

using Json = nlohmann::ordered_json;

std::string show(const Json& value) { return value.dump(); }

std::string fmt(double x) {
  std::ostringstream out;
  out << x;
  return out.str();
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

// Resolves the "parameters" block lazily, so parameters may refer to each other in any order.
class Parameters {
 public:
  explicit Parameters(const Json* block) : block_(block) {}

  std::optional<double> lookup(const std::string& name) {
    if (auto it = values_.find(name); it != values_.end()) return it->second;
    if (!block_ || !block_->contains(name)) return std::nullopt;
    if (std::find(resolving_.begin(), resolving_.end(), name) != resolving_.end()) {
      throw ConfigError("parameters." + name + ": refers to itself through " + join(resolving_));
    }
    resolving_.push_back(name);
    const double value = evaluate(block_->at(name), "parameters." + name);
    resolving_.pop_back();
    values_[name] = value;
    return value;
  }

  double evaluate(const Json& value, const std::string& field) {
    if (value.is_number()) return value.get<double>();
    if (!value.is_string()) {
      throw ConfigError(field + ": expected a number or an expression string, got " + show(value));
    }
    try {
      return evaluate_expression(value.get<std::string>(),
                                 [this](const std::string& name) { return lookup(name); });
    } catch (const ExpressionError& e) {
      throw ConfigError(field + ": " + e.what());
    }
  }

  std::map<std::string, double> all() {
    if (block_) {
      for (const auto& item : block_->items()) lookup(item.key());
    }
    return values_;
  }

 private:
  const Json* block_;
  std::map<std::string, double> values_;
  std::vector<std::string> resolving_;
};

// One JSON object being read: refuses keys it does not know, and says which field is wrong.
class Fields {
 public:
  Fields(const Json& object, std::string path, Parameters& params, const std::vector<std::string>& allowed)
      : object_(object), path_(std::move(path)), params_(params) {
    if (!object_.is_object()) throw ConfigError(path_ + ": expected an object, got " + show(object_));
    for (const auto& item : object_.items()) {
      if (std::find(allowed.begin(), allowed.end(), item.key()) == allowed.end()) {
        throw ConfigError(path_ + ": unknown key '" + item.key() + "' (allowed: " + join(allowed) + ")");
      }
    }
  }

  bool has(const std::string& key) const { return object_.contains(key); }
  std::string field(const std::string& key) const { return path_ + "." + key; }
  const Json& raw(const std::string& key) const {
    if (!has(key)) throw ConfigError(field(key) + ": missing (required)");
    return object_.at(key);
  }

  double number(const std::string& key) const { return params_.evaluate(raw(key), field(key)); }
  double number(const std::string& key, double fallback) const { return has(key) ? number(key) : fallback; }

  // Sizes, in-degrees and seeds: rounded to the nearest whole number, e.g. "0.8*N".
  int64_t whole(const std::string& key, int64_t minimum) const {
    const double value = number(key);
    if (value < static_cast<double>(minimum) - 0.5 || value > 9.0e15) {
      throw ConfigError(field(key) + ": must be a whole number >= " + std::to_string(minimum) + ", got " +
                        fmt(value));
    }
    return std::llround(value);
  }
  int64_t whole(const std::string& key, int64_t minimum, int64_t fallback) const {
    return has(key) ? whole(key, minimum) : fallback;
  }

  std::string text(const std::string& key) const {
    const Json& value = raw(key);
    if (!value.is_string()) throw ConfigError(field(key) + ": expected a string, got " + show(value));
    return value.get<std::string>();
  }

  void require(bool ok, const std::string& key, const std::string& what, double value) const {
    if (!ok) throw ConfigError(field(key) + ": " + what + ", got " + fmt(value));
  }

  Parameters& params() const { return params_; }
  const std::string& path() const { return path_; }

 private:
  const Json& object_;
  std::string path_;
  Parameters& params_;
};

SimulationSpec read_simulation(const Json& config, Parameters& params) {
  if (!config.contains("simulation")) throw ConfigError("simulation: missing (required)");
  const Fields f(config.at("simulation"), "simulation", params, {"dt", "T", "burn_in", "seed"});
  SimulationSpec sim;
  sim.dt_ms = f.number("dt");
  f.require(sim.dt_ms > 0, "dt", "must be > 0 ms", sim.dt_ms);
  sim.t_ms = f.number("T");
  f.require(sim.t_ms >= sim.dt_ms, "T", "must be at least dt = " + fmt(sim.dt_ms) + " ms", sim.t_ms);
  sim.burn_in_ms = f.number("burn_in", 0.0);
  f.require(sim.burn_in_ms >= 0 && sim.burn_in_ms < sim.t_ms, "burn_in", "must be in [0, T) ms",
            sim.burn_in_ms);
  sim.seed = static_cast<uint64_t>(f.whole("seed", 0, 1));
  return sim;
}

CurrentSchedule read_current(const Fields& f) {
  CurrentSchedule schedule;
  if (!f.has("I_ext")) return schedule;
  const Json& raw = f.raw("I_ext");
  if (!raw.is_object()) {
    schedule.value = {f.number("I_ext")};
    return schedule;
  }
  const Fields g(raw, f.field("I_ext"), f.params(), {"t", "value"});
  const Json& times = g.raw("t");
  const Json& values = g.raw("value");
  if (!times.is_array() || !values.is_array() || times.size() != values.size() || times.empty()) {
    throw ConfigError(f.field("I_ext") + ": 't' and 'value' must be arrays of the same, non-zero length");
  }
  schedule.t_ms.clear();
  schedule.value.clear();
  for (size_t k = 0; k < times.size(); ++k) {
    const std::string at = f.field("I_ext") + "[" + std::to_string(k) + "]";
    const double t = f.params().evaluate(times[k], at + ".t");
    if (k == 0 ? t != 0.0 : t <= schedule.t_ms.back()) {
      throw ConfigError(at + ".t: times must start at 0 and increase, got " + fmt(t));
    }
    schedule.t_ms.push_back(t);
    schedule.value.push_back(f.params().evaluate(values[k], at + ".value"));
  }
  return schedule;
}

PoissonRate read_rate(const Fields& f) {
  PoissonRate rate;
  const Json& raw = f.raw("rate_hz");
  if (raw.is_object()) {
    const Fields g(raw, f.field("rate_hz"), f.params(), {"r0", "r1", "period"});
    rate.r0_hz = g.number("r0");
    rate.r1_hz = g.number("r1", 0.0);
    if (rate.r1_hz != 0.0) {
      rate.period_ms = g.number("period");
      g.require(rate.period_ms > 0, "period", "must be > 0 ms", rate.period_ms);
    }
  } else {
    rate.r0_hz = f.number("rate_hz");
  }
  f.require(rate.r0_hz >= 0, "rate_hz", "must be >= 0 Hz", rate.r0_hz);
  return rate;
}

NeuronModel read_model(const Fields& f) {
  const std::string name = f.text("model");
  for (NeuronModel m : {NeuronModel::eif, NeuronModel::lif, NeuronModel::leaky_integrator, NeuronModel::poisson}) {
    if (name == model_name(m)) return m;
  }
  throw ConfigError(f.field("model") + ": unknown model '" + name + "' (known: eif, lif, leaky_integrator, poisson)");
}

std::vector<std::string> allowed_population_keys(NeuronModel model) {
  std::vector<std::string> keys{"name", "model", "size"};
  const std::vector<std::string> membrane{"tau_m", "E_L", "V0", "I_ext"};
  switch (model) {
    case NeuronModel::poisson: keys.push_back("rate_hz"); break;
    case NeuronModel::leaky_integrator: keys.insert(keys.end(), membrane.begin(), membrane.end()); break;
    case NeuronModel::lif:
      keys.insert(keys.end(), membrane.begin(), membrane.end());
      keys.insert(keys.end(), {"V_th", "V_re", "V_lb"});
      break;
    case NeuronModel::eif:
      keys.insert(keys.end(), membrane.begin(), membrane.end());
      keys.insert(keys.end(), {"V_T", "D", "V_th", "V_re", "V_lb"});
      break;
  }
  return keys;
}

void read_membrane(const Fields& f, PopulationSpec& pop) {
  MembraneParams& m = pop.membrane;
  m.tau_m = f.number("tau_m", m.tau_m);
  f.require(m.tau_m > 0, "tau_m", "must be > 0 ms", m.tau_m);
  m.E_L = f.number("E_L", m.E_L);
  if (pop.model == NeuronModel::eif) {
    m.V_T = f.number("V_T", m.V_T);
    m.D = f.number("D", m.D);
    f.require(m.D > 0, "D", "must be > 0 mV", m.D);
  }
  if (pop.model == NeuronModel::lif) {  // the EIF defaults make no sense without the exponential
    m.V_th = f.number("V_th");
    m.V_re = f.number("V_re");
  } else {
    m.V_th = f.number("V_th", m.V_th);
    m.V_re = f.number("V_re", m.V_re);
  }
  if (pop.spiking()) {
    f.require(m.V_re < m.V_th, "V_re", "must be below V_th = " + fmt(m.V_th), m.V_re);
    m.V_lb = f.number("V_lb", m.V_lb);
    f.require(m.V_lb <= m.V_re, "V_lb", "must not be above V_re = " + fmt(m.V_re), m.V_lb);
  }
  pop.external_current = read_current(f);

  // V(0): the book draws it uniformly between reset and the point where spiking takes off.
  const double upper = pop.model == NeuronModel::eif ? m.V_T : pop.model == NeuronModel::lif ? m.V_th : m.E_L;
  pop.v0_low = pop.spiking() ? m.V_re : m.E_L;
  pop.v0_high = upper;
  if (f.has("V0")) {
    const Json& v0 = f.raw("V0");
    if (v0.is_array()) {
      if (v0.size() != 2) throw ConfigError(f.field("V0") + ": expected a number or [low, high], got " + show(v0));
      pop.v0_low = f.params().evaluate(v0[0], f.field("V0") + "[0]");
      pop.v0_high = f.params().evaluate(v0[1], f.field("V0") + "[1]");
      f.require(pop.v0_low <= pop.v0_high, "V0", "low must not exceed high", pop.v0_low);
    } else {
      pop.v0_low = pop.v0_high = f.number("V0");
    }
  }
}

std::vector<PopulationSpec> read_populations(const Json& config, Parameters& params) {
  if (!config.contains("populations")) throw ConfigError("populations: missing (required)");
  const Json& list = config.at("populations");
  if (!list.is_array() || list.empty()) throw ConfigError("populations: expected a non-empty array");
  std::vector<PopulationSpec> pops;
  for (size_t k = 0; k < list.size(); ++k) {
    const Json& raw = list[k];
    const std::string where = "populations[" + std::to_string(k) + "]";
    if (!raw.is_object() || !raw.contains("name") || !raw.at("name").is_string()) {
      throw ConfigError(where + ".name: missing (required, a string)");
    }
    PopulationSpec pop;
    pop.name = raw.at("name").get<std::string>();
    if (pop.name.empty() || pop.name.find_first_of("./\\ ") != std::string::npos) {
      throw ConfigError(where + ".name: must be non-empty without '.', '/', '\\' or spaces, got '" + pop.name + "'");
    }
    for (const auto& other : pops) {
      if (other.name == pop.name) throw ConfigError(where + ".name: '" + pop.name + "' is used twice");
    }
    const std::string path = "populations." + pop.name;
    if (!raw.contains("model")) throw ConfigError(path + ".model: missing (required)");
    pop.model = read_model(Fields(raw, path, params, {"name", "model", "size", "tau_m", "E_L", "V_T", "D", "V_th",
                                                      "V_re", "V_lb", "V0", "I_ext", "rate_hz"}));
    const Fields f(raw, path, params, allowed_population_keys(pop.model));
    pop.size = f.whole("size", 1);
    if (pop.size > (int64_t{1} << 31)) throw ConfigError(f.field("size") + ": at most 2^31 neurons per population");
    if (pop.model == NeuronModel::poisson) {
      pop.rate = read_rate(f);
    } else {
      read_membrane(f, pop);
    }
    pops.push_back(pop);
  }
  return pops;
}

int find_population(const std::vector<PopulationSpec>& pops, const std::string& name, const std::string& field) {
  for (size_t k = 0; k < pops.size(); ++k) {
    if (pops[k].name == name) return static_cast<int>(k);
  }
  std::vector<std::string> names;
  for (const auto& p : pops) names.push_back(p.name);
  throw ConfigError(field + ": unknown population '" + name + "' (populations: " + join(names) + ")");
}

PlasticitySpec read_plasticity(const Fields& projection, const PopulationSpec& pre, const PopulationSpec& post) {
  for (const PopulationSpec* pop : {&pre, &post}) {
    if (pop->model != NeuronModel::eif && pop->model != NeuronModel::lif) {
      throw ConfigError(projection.field("plasticity") + ": needs spiking (eif or lif) populations on both sides, and '" +
                        pop->name + "' is " + model_name(pop->model));
    }
  }
  const Fields f(projection.raw("plasticity"), projection.field("plasticity"), projection.params(),
                 {"eta", "r0_hz", "tau_y", "clip_at_zero"});
  PlasticitySpec spec;
  spec.eta = f.number("eta");
  f.require(spec.eta >= 0, "eta", "must be >= 0", spec.eta);
  spec.r0_hz = f.number("r0_hz");
  f.require(spec.r0_hz >= 0, "r0_hz", "must be >= 0 Hz", spec.r0_hz);
  spec.tau_y = f.number("tau_y");
  f.require(spec.tau_y > 0, "tau_y", "must be > 0 ms", spec.tau_y);
  if (f.has("clip_at_zero")) {
    const Json& clip = f.raw("clip_at_zero");
    if (!clip.is_boolean()) throw ConfigError(f.field("clip_at_zero") + ": expected true or false, got " + show(clip));
    spec.clip_at_zero = clip.get<bool>();
  }
  return spec;
}

std::vector<ProjectionSpec> read_projections(const Json& config, Parameters& params,
                                             const std::vector<PopulationSpec>& pops) {
  std::vector<ProjectionSpec> projections;
  if (!config.contains("projections")) return projections;
  const Json& list = config.at("projections");
  if (!list.is_array()) throw ConfigError("projections: expected an array");
  for (size_t k = 0; k < list.size(); ++k) {
    const std::string where = "projections[" + std::to_string(k) + "]";
    const std::vector<std::string> keys{"name", "pre", "post", "rule", "p", "K", "weight", "tau_syn", "plasticity"};
    const Fields f(list[k], where, params, keys);
    ProjectionSpec proj;
    proj.pre = find_population(pops, f.text("pre"), f.field("pre"));
    proj.post = find_population(pops, f.text("post"), f.field("post"));
    proj.name = f.has("name") ? f.text("name") : pops[proj.pre].name + "->" + pops[proj.post].name;
    for (const auto& other : projections) {
      if (other.name == proj.name) throw ConfigError(where + ": the name '" + proj.name + "' is used twice");
    }
    const Fields g(list[k], "projections." + proj.name, params, keys);
    if (pops[proj.post].model == NeuronModel::poisson) {
      throw ConfigError(g.field("post") + ": '" + pops[proj.post].name + "' is a Poisson population and takes no input");
    }
    const std::string rule = g.has("rule") ? g.text("rule") : "probability";
    const int64_t n_pre = pops[proj.pre].size;
    if (rule == "probability") {
      proj.rule = ConnectionRule::probability;
      proj.p = g.number("p");
      g.require(proj.p >= 0 && proj.p <= 1, "p", "must be in [0, 1]", proj.p);
    } else if (rule == "fixed_indegree") {
      proj.rule = ConnectionRule::fixed_indegree;
      proj.indegree = g.whole("K", 0);
      g.require(proj.indegree <= n_pre, "K", "must not exceed the presynaptic size " + std::to_string(n_pre),
                static_cast<double>(proj.indegree));
    } else if (rule == "all_to_all") {
      proj.rule = ConnectionRule::all_to_all;
    } else {
      throw ConfigError(g.field("rule") + ": unknown rule '" + rule + "' (known: probability, fixed_indegree, all_to_all)");
    }
    if (proj.rule != ConnectionRule::probability && g.has("p")) {
      throw ConfigError(g.field("p") + ": only the 'probability' rule takes p");
    }
    if (proj.rule != ConnectionRule::fixed_indegree && g.has("K")) {
      throw ConfigError(g.field("K") + ": only the 'fixed_indegree' rule takes K");
    }
    proj.weight = g.number("weight");
    proj.tau_syn = g.number("tau_syn");
    g.require(proj.tau_syn > 0, "tau_syn", "must be > 0 ms", proj.tau_syn);
    if (g.has("plasticity")) proj.plasticity = read_plasticity(g, pops[proj.pre], pops[proj.post]);
    projections.push_back(proj);
  }
  return projections;
}

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

NetworkSpec read_spec(Json& config, const std::vector<std::string>& overrides) {
  if (!config.is_object()) throw ConfigError("config: expected a JSON object at the top level");
  for (const auto& item : config.items()) {
    const std::vector<std::string> known{"parameters", "simulation", "populations", "projections", "recording",
                                         "mean_field", "description"};
    if (std::find(known.begin(), known.end(), item.key()) == known.end()) {
      throw ConfigError("config: unknown key '" + item.key() + "' (allowed: " + join(known) + ")");
    }
  }
  apply_overrides(config, overrides);
  if (config.contains("parameters") && !config.at("parameters").is_object()) {
    throw ConfigError("parameters: expected an object of name: number or expression");
  }
  Parameters params(config.contains("parameters") ? &config.at("parameters") : nullptr);
  NetworkSpec spec;
  spec.parameters = params.all();
  spec.simulation = read_simulation(config, params);
  spec.populations = read_populations(config, params);
  spec.projections = read_projections(config, params, spec.populations);
  spec.recording = read_recording(config, params, spec.populations, spec.projections, spec.simulation);
  if (config.contains("mean_field")) {
    const Fields f(config.at("mean_field"), "mean_field", params, {"gain_hz_per_mv", "threshold_mv"});
    spec.mean_field = MeanFieldSpec{f.number("gain_hz_per_mv"), f.number("threshold_mv")};
    f.require(spec.mean_field->gain_hz_per_mv > 0, "gain_hz_per_mv", "must be > 0", spec.mean_field->gain_hz_per_mv);
  }
  return spec;
}

}  // namespace

const char* model_name(NeuronModel model) {
  switch (model) {
    case NeuronModel::eif: return "eif";
    case NeuronModel::lif: return "lif";
    case NeuronModel::leaky_integrator: return "leaky_integrator";
    case NeuronModel::poisson: return "poisson";
  }
  return "?";
}

double CurrentSchedule::at(double t_now) const {
  const auto next = std::upper_bound(t_ms.begin(), t_ms.end(), t_now);
  return value[std::max<std::ptrdiff_t>(0, next - t_ms.begin() - 1)];
}

double PoissonRate::at_hz(double t_now) const {
  if (r1_hz == 0.0) return r0_hz;
  const double r = r0_hz + r1_hz * std::sin(2.0 * M_PI * t_now / period_ms);
  return r > 0.0 ? r : 0.0;
}

double ProjectionSpec::mean_indegree(int64_t n_pre) const {
  switch (rule) {
    case ConnectionRule::probability: return p * static_cast<double>(n_pre);
    case ConnectionRule::fixed_indegree: return static_cast<double>(indegree);
    case ConnectionRule::all_to_all: return static_cast<double>(n_pre);
  }
  return 0.0;
}

int64_t SimulationSpec::n_steps() const { return std::llround(t_ms / dt_ms); }

int NetworkSpec::population_index(const std::string& name) const {
  for (size_t k = 0; k < populations.size(); ++k) {
    if (populations[k].name == name) return static_cast<int>(k);
  }
  return -1;
}

int64_t NetworkSpec::total_neurons() const {
  int64_t total = 0;
  for (const auto& p : populations) total += p.size;
  return total;
}

NetworkSpec parse_network_spec(const std::string& json_text, const std::vector<std::string>& overrides) {
  Json config;
  try {
    config = Json::parse(json_text);
  } catch (const Json::parse_error& e) {
    throw ConfigError(std::string("config: malformed JSON: ") + e.what());
  }
  return read_spec(config, overrides);
}

NetworkSpec load_network_spec(const std::string& path, const std::vector<std::string>& overrides) {
  std::ifstream in(path);
  if (!in) throw ConfigError(path + ": cannot open the config file");
  std::stringstream text;
  text << in.rdbuf();
  try {
    return parse_network_spec(text.str(), overrides);
  } catch (const ConfigError& e) {
    throw ConfigError(path + ": " + e.what());
  }
}

}  // namespace eisim
