// Config sections: "populations" (docs/architecture.md, "Config reference").
#include "src/engine/config_sections.hpp"

#include <algorithm>
#include <cmath>

namespace eisim::config_detail {
namespace {

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
  if (model == NeuronModel::eif || model == NeuronModel::lif) keys.push_back("poisson_input");
  switch (model) {
    case NeuronModel::poisson: keys.push_back("rate_hz"); break;
    case NeuronModel::leaky_integrator: keys.insert(keys.end(), membrane.begin(), membrane.end()); break;
    case NeuronModel::lif:
      keys.insert(keys.end(), membrane.begin(), membrane.end());
      keys.insert(keys.end(), {"V_th", "V_re", "V_lb", "t_ref", "integration"});
      break;
    case NeuronModel::eif:
      keys.insert(keys.end(), membrane.begin(), membrane.end());
      keys.insert(keys.end(), {"V_T", "D", "V_th", "V_re", "V_lb", "t_ref"});
      break;
  }
  return keys;
}

// The keys of any model: the model is read first, and then the keys are checked against its own.
std::vector<std::string> any_population_key() {
  std::vector<std::string> keys;
  for (NeuronModel m : {NeuronModel::eif, NeuronModel::lif, NeuronModel::leaky_integrator, NeuronModel::poisson}) {
    for (const std::string& key : allowed_population_keys(m)) {
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
    }
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
    m.t_ref = f.number("t_ref", m.t_ref);
    f.require(m.t_ref >= 0, "t_ref", "must be >= 0 ms", m.t_ref);
  }
  if (f.has("integration")) {  // lif only (allowed_population_keys)
    const std::string integration = f.text("integration");
    if (integration != "euler" && integration != "exact") {
      throw ConfigError(f.field("integration") + ": expected \"euler\" or \"exact\", got " + show(f.raw("integration")));
    }
    m.exact = integration == "exact";
  }
  pop.external_current = read_current(f);
  if (f.has("poisson_input")) {
    const Fields g(f.raw("poisson_input"), f.field("poisson_input"), f.params(), {"rate_hz", "weight", "tau_syn"});
    PoissonInputSpec input;
    input.rate_hz = g.number("rate_hz");
    g.require(input.rate_hz >= 0, "rate_hz", "must be >= 0 Hz", input.rate_hz);
    input.weight = g.number("weight");
    input.tau_syn = g.number("tau_syn");
    g.require(input.tau_syn > 0, "tau_syn", "must be > 0 ms", input.tau_syn);
    pop.poisson_input = input;
  }

  // V(0): the book draws it uniformly between reset and the point where spiking takes off.
  const double upper = pop.model == NeuronModel::eif ? m.V_T : pop.model == NeuronModel::lif ? m.V_th : m.E_L;
  pop.v0_low = pop.spiking() ? m.V_re : m.E_L;
  pop.v0_high = upper;
  if (f.has("V0")) {
    const Json& v0 = f.raw("V0");
    if (v0.is_object()) {
      const Fields g(v0, f.field("V0"), f.params(), {"mean", "sd"});
      pop.v0_low = pop.v0_high = g.number("mean");
      pop.v0_sd = g.number("sd");
      g.require(pop.v0_sd >= 0, "sd", "must be >= 0 mV", pop.v0_sd);
    } else if (v0.is_array()) {
      if (v0.size() != 2) {
        throw ConfigError(f.field("V0") + ": expected a number, [low, high] or {\"mean\": ..., \"sd\": ...}, got " + show(v0));
      }
      pop.v0_low = f.params().evaluate(v0[0], f.field("V0") + "[0]");
      pop.v0_high = f.params().evaluate(v0[1], f.field("V0") + "[1]");
      f.require(pop.v0_low <= pop.v0_high, "V0", "low must not exceed high", pop.v0_low);
    } else {
      pop.v0_low = pop.v0_high = f.number("V0");
    }
  }
}

}  // namespace

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
    // Names become file names (E_spike_times.npy) and --set keys: a control character (a NUL would cut
    // the file's path there, so two populations could share one file) is refused like a '/'.
    const bool control = std::any_of(pop.name.begin(), pop.name.end(), [](char c) {
      return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
    });
    if (pop.name.empty() || pop.name.find_first_of("./\\ ") != std::string::npos || control) {
      throw ConfigError(where + ".name: must be non-empty without '.', '/', '\\', spaces or control characters, got " +
                        show(raw.at("name")));
    }
    for (const auto& other : pops) {
      if (other.name == pop.name) throw ConfigError(where + ".name: '" + pop.name + "' is used twice");
    }
    const std::string path = "populations." + pop.name;
    if (!raw.contains("model")) throw ConfigError(path + ".model: missing (required)");
    pop.model = read_model(Fields(raw, path, params, any_population_key()));
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

}  // namespace eisim::config_detail
