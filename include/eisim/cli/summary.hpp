// summary.json: what a run computed, for people and scripts.
// docs/architecture.md, "Outputs".
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "eisim/engine/config.hpp"
#include "eisim/engine/simulation.hpp"

namespace eisim {

nlohmann::ordered_json make_summary(const NetworkSpec& spec, const RunReport& report, const std::string& config_path);

}  // namespace eisim
