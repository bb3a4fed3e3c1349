// `eisim meanfield`: the mean-field quantities of a config as JSON.
// docs/architecture.md, "Command line".
#pragma once

#include <nlohmann/json.hpp>
#include <map>
#include <optional>
#include <string>

#include "eisim/engine/config.hpp"
#include "eisim/theory/fi_curve.hpp"

namespace eisim {

// Mean-field weights, external inputs, balanced-state rates; with an f-I curve (given, from the
// config's mean_field block, or measured by simulation when `measure` is set) also its fit and
// the threshold-linear fixed point (Eq. 3.10).
// The rate model's stability at that fixed point uses time constants `tau_ms` by population name
// (default: each population's tau_m).
nlohmann::ordered_json mean_field_report(const NetworkSpec& spec, std::optional<RectifiedLinear> f, bool measure,
                                         const std::map<std::string, double>& tau_ms = {});

// For a plastic config with a mean_field block: Eq. 4.3 integrated over the run, sampled at the
// summary's rate windows (t_ms, rate_hz per population, w_ei). Null otherwise.
nlohmann::ordered_json plastic_mean_field_report(const NetworkSpec& spec);

// The f-I curve of the config's first spiking population under the book's Fig. 2.6 protocol.
std::vector<FiPoint> measure_population_fi_curve(const NetworkSpec& spec);

}  // namespace eisim
