// A small valid network description, and ways to break exactly one thing in it: the config reader's
// error tests (test_config_errors.cpp) and the command line's (test_cli_errors.cpp) start from it.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace eisim::test_support {

using Json = nlohmann::ordered_json;

// E (eif, size "0.8*N"), I (eif), X (poisson), four projections.
inline const char* const kBaseConfig = R"json({
  "description": "small valid base for the config error tests",
  "parameters": {"N": 1000, "p": 0.1, "s": "15/sqrt(N*p/0.1)"},
  "simulation": {"dt": 0.1, "T": 100, "burn_in": 20, "seed": 1},
  "populations": [
    {"name": "E", "model": "eif", "size": "0.8*N",
     "tau_m": 15, "E_L": -72, "V_T": -55, "D": 1, "V_th": 10, "V_re": -75, "V_lb": -85, "V0": [-75, -55]},
    {"name": "I", "model": "eif", "size": "0.2*N", "tau_m": 15, "V_th": 10, "V_re": -75},
    {"name": "X", "model": "poisson", "size": "0.2*N", "rate_hz": 10}
  ],
  "projections": [
    {"pre": "E", "post": "E", "p": "p", "weight": "35*s",   "tau_syn": 8},
    {"pre": "I", "post": "E", "p": "p", "weight": "-200*s", "tau_syn": 4},
    {"pre": "X", "post": "E", "p": "p", "weight": "200*s",  "tau_syn": 10},
    {"pre": "E", "post": "I", "p": "p", "weight": "120*s",  "tau_syn": 8}
  ],
  "recording": {
    "spikes": ["E", "I"],
    "traces": [{"population": "E", "neurons": [0, 1, 2], "every_steps": 10}]
  }
})json";

// The base config with one change applied.
inline std::string modified(const std::function<void(Json&)>& change) {
  Json config = Json::parse(kBaseConfig);
  change(config);
  return config.dump(2);
}

inline Json& population(Json& config, const std::string& name) {
  for (auto& pop : config["populations"]) {
    if (pop["name"] == name) return pop;
  }
  throw std::logic_error("test bug: no population " + name + " in the base config");
}

// The projection pre->post of the base config (none of them has a "name").
inline Json& projection(Json& config, const std::string& pre, const std::string& post) {
  for (auto& proj : config["projections"]) {
    if (proj["pre"] == pre && proj["post"] == post) return proj;
  }
  throw std::logic_error("test bug: no projection " + pre + "->" + post + " in the base config");
}

}  // namespace eisim::test_support
