// summary.json: what a run computed, for people and scripts.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "eisim/config.hpp"
#include "eisim/simulation.hpp"

namespace eisim {

nlohmann::ordered_json make_summary(const NetworkSpec& spec, const RunReport& report, const std::string& config_path);

void write_summary(const nlohmann::ordered_json& summary, const std::string& path);

}  // namespace eisim
