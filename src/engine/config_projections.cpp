// Config sections: "projections", with their plasticity (docs/architecture.md, "Config reference").
#include "src/engine/config_sections.hpp"

#include <algorithm>

namespace eisim::config_detail {
namespace {

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

}  // namespace

std::vector<ProjectionSpec> read_projections(const Json& config, Parameters& params,
                                             const std::vector<PopulationSpec>& pops) {
  std::vector<ProjectionSpec> projections;
  if (!config.contains("projections")) return projections;
  const Json& list = config.at("projections");
  if (!list.is_array()) throw ConfigError("projections: expected an array");
  for (size_t k = 0; k < list.size(); ++k) {
    const std::string where = "projections[" + std::to_string(k) + "]";
    const std::vector<std::string> keys{"name",     "pre",    "post",      "rule",  "p",        "K",      "synapses",
                                        "weight",   "weight_sd", "delay", "delay_sd", "tau_syn", "plasticity"};
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
      // The Erdős–Rényi generator (model/erdos_renyi.hpp) draws gaps with log(1 - p): for p up to 2^-54,
      // 1 - p rounds to 1, the log to 0 and the gaps to -inf, so the build never ends; below 2^-52, the
      // p that 1 - p holds is off by up to half.
      g.require(proj.p == 0 || proj.p >= 0x1p-52, "p",
                "must be 0 or at least 2^-52 = 2.2e-16 (smaller p are below the connectivity generator's "
                "resolution; use 0 for no synapses)",
                proj.p);
    } else if (rule == "fixed_indegree") {
      proj.rule = ConnectionRule::fixed_indegree;
      proj.indegree = g.whole("K", 0);
      g.require(proj.indegree <= n_pre, "K", "must not exceed the presynaptic size " + std::to_string(n_pre),
                static_cast<double>(proj.indegree));
    } else if (rule == "all_to_all") {
      proj.rule = ConnectionRule::all_to_all;
    } else if (rule == "fixed_total_number") {
      proj.rule = ConnectionRule::fixed_total_number;
      proj.synapses = g.whole("synapses", 0);
    } else {
      throw ConfigError(g.field("rule") + ": unknown rule '" + rule +
                        "' (known: probability, fixed_indegree, all_to_all, fixed_total_number)");
    }
    if (proj.rule != ConnectionRule::probability && g.has("p")) {
      throw ConfigError(g.field("p") + ": only the 'probability' rule takes p");
    }
    if (proj.rule != ConnectionRule::fixed_indegree && g.has("K")) {
      throw ConfigError(g.field("K") + ": only the 'fixed_indegree' rule takes K");
    }
    if (proj.rule != ConnectionRule::fixed_total_number && g.has("synapses")) {
      throw ConfigError(g.field("synapses") + ": only the 'fixed_total_number' rule takes synapses");
    }
    proj.weight = g.number("weight");
    proj.weight_sd = g.number("weight_sd", 0.0);
    g.require(proj.weight_sd >= 0, "weight_sd", "must be >= 0 mV·ms", proj.weight_sd);
    g.require(proj.weight_sd == 0 || proj.weight != 0, "weight_sd",
              "needs a non-zero weight, whose sign the drawn weights keep", proj.weight_sd);
    if (g.has("delay")) {
      proj.delay_ms = g.number("delay");
      g.require(proj.delay_ms > 0, "delay", "must be > 0 ms (and at least dt)", proj.delay_ms);
    }
    proj.delay_sd_ms = g.number("delay_sd", 0.0);
    g.require(proj.delay_sd_ms >= 0, "delay_sd", "must be >= 0 ms", proj.delay_sd_ms);
    g.require(proj.delay_sd_ms == 0 || g.has("delay"), "delay_sd", "needs a mean 'delay'", proj.delay_sd_ms);
    proj.tau_syn = g.number("tau_syn");
    g.require(proj.tau_syn > 0, "tau_syn", "must be > 0 ms", proj.tau_syn);
    if (g.has("plasticity")) proj.plasticity = read_plasticity(g, pops[proj.pre], pops[proj.post]);
    projections.push_back(proj);
  }
  return projections;
}

}  // namespace eisim::config_detail
