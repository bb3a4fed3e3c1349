// The readers of a config's sections, one file each (config_populations.cpp, config_projections.cpp,
// config_recording.cpp); config.cpp reads the top level and "simulation" and calls them in order.
// docs/architecture.md, "Config".
#pragma once

#include <string>
#include <vector>

#include "src/engine/config_reader.hpp"

namespace eisim::config_detail {

std::vector<PopulationSpec> read_populations(const Json& config, Parameters& params);

// The index of population `name`; a ConfigError naming `field` and the known populations otherwise.
int find_population(const std::vector<PopulationSpec>& pops, const std::string& name, const std::string& field);

std::vector<ProjectionSpec> read_projections(const Json& config, Parameters& params,
                                             const std::vector<PopulationSpec>& pops);

RecordingSpec read_recording(const Json& config, Parameters& params, const std::vector<PopulationSpec>& pops,
                             const std::vector<ProjectionSpec>& projections, const SimulationSpec& sim);

}  // namespace eisim::config_detail
