// Reads a JSON network description into a NetworkSpec (docs/architecture.md, "Config"): the top
// level and "simulation" here, the other sections in config_populations.cpp, config_projections.cpp and
// config_recording.cpp, through the field readers of config_reader.hpp. Every number may be an
// expression in the "parameters" block; every error names the field and the bad value.
#include "eisim/engine/config.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "src/engine/config_limits.hpp"
#include "src/engine/config_overrides.hpp"
#include "src/engine/config_sections.hpp"

namespace eisim {
namespace {

using namespace config_detail;

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

// nlohmann's messages start with "[json.exception.parse_error.101] "; the user needs only the rest.
std::string without_library_tag(const std::string& message) {
  const size_t tag_end = message.rfind("] ", message.find(' '));
  return message.rfind("[json.exception.", 0) == 0 && tag_end != std::string::npos ? message.substr(tag_end + 2) : message;
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

// Arrays and objects nested deeper than this are refused before the text is parsed: nlohmann's ordered_json
// copies a value, recursively, when the object holding it grows, so an array nested 100000 deep
// overflows the stack while it is parsed (and again when an error message quotes it). A network
// description nests 5 deep.
constexpr int kMaxJsonDepth = 100;

void check_nesting(const std::string& text) {
  int depth = 0, line = 1;
  size_t line_start = 0;
  bool in_string = false;
  for (size_t k = 0; k < text.size(); ++k) {
    const char c = text[k];
    if (c == '\n') {
      ++line;
      line_start = k + 1;
    }
    if (in_string) {
      if (c == '\\') ++k;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) {
        throw ConfigError("config: arrays and objects nested more than " + std::to_string(kMaxJsonDepth) +
                          " deep, at line " + std::to_string(line) + ", column " + std::to_string(k - line_start + 1));
      }
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
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

double ProjectionSpec::mean_indegree(int64_t n_pre, int64_t n_post) const {
  switch (rule) {
    case ConnectionRule::probability: return p * static_cast<double>(n_pre);
    case ConnectionRule::fixed_indegree: return static_cast<double>(indegree);
    case ConnectionRule::all_to_all: return static_cast<double>(n_pre);
    case ConnectionRule::fixed_total_number: return static_cast<double>(synapses) / static_cast<double>(n_post);
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
  check_nesting(json_text);
  Json config;
  try {
    config = Json::parse(json_text);
  } catch (const Json::exception& e) {  // a syntax error, or a number beyond double's range (1e400)
    throw ConfigError("config: malformed JSON: " + without_library_tag(e.what()));
  }
  NetworkSpec spec = read_spec(config, overrides);
  check_limits(spec);
  return spec;
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
